package dev.stallwatch.bootstrap;

/**
 * What the agent's core does for Spring WebFlux's reactive WebSocket sessions on Reactor Netty (see
 * {@link StallwatchReactiveWebSockets}). Implemented in the core, registered with
 * {@link StallwatchReactiveWebSockets#setListener}. JDK types only: every Spring, Reactor and Netty object is an
 * {@code Object} here, and the core reaches it by reflection.
 */
public interface StallwatchReactiveWebSocketListener {
  /**
   * Spring's upgrade strategy called {@code handler.handle(session)}, which returned {@code mono} (the handler's
   * {@code Mono<Void>}); returns what the strategy goes on with: {@code mono} itself, or {@code mono} with Reactor's
   * own side-effect operators after it (never subscribed to here).
   */
  Object handled(Object handler, Object session, Object mono);

  /**
   * Reactor Netty's WebSocket connection {@code connection} is about to hand {@code frame} on, synchronously on its
   * event loop, to the session's inbound {@code Flux} and the application's operators; returns a token for
   * {@link #inboundDone}, or null when nothing is traced.
   */
  Object inbound(Object connection, Object frame);

  /** The frame's synchronous processing returned ({@code thrown} null) or threw. */
  void inboundDone(Object token, Throwable thrown);

  /** Spring turns {@code message}, a {@code WebSocketMessage} the application sends in {@code session}, into a frame. */
  void sent(Object session, Object message);
}
