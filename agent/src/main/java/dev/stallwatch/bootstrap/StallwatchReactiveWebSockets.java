package dev.stallwatch.bootstrap;

/**
 * The static hooks for Spring WebFlux WebSocket sessions on Reactor Netty. Nothing of the application's is
 * instrumented (a reactive handler is often a lambda, which no class file transformer sees); the advice and call-site
 * rewrites sit in Spring's and Reactor Netty's own classes:
 * <ul>
 *   <li>{@link #handled}: Spring's {@code ReactorNettyRequestUpgradeStrategy} calls {@code WebSocketHandler.handle}
 *       through it (the session starts; the returned {@code Mono} may come back with side-effect operators after it);
 *   <li>{@link #inbound} and {@link #inboundDone}: around Reactor Netty's {@code WebsocketServerOperations.onInboundNext},
 *       the synchronous delivery of one frame into the application's operators (the message operation);
 *   <li>{@link #sent}: Spring's {@code NettyWebSocketSessionSupport.toFrame}, once per outbound message.
 * </ul>
 * Defined into {@code java.base} like every class of this package. Never throws and takes no lock; without a
 * listener each hook is one volatile read.
 */
public final class StallwatchReactiveWebSockets {
  private static volatile StallwatchReactiveWebSocketListener listener;

  private StallwatchReactiveWebSockets() {}

  /** Called once by the agent's core at startup. */
  public static void setListener(StallwatchReactiveWebSocketListener newListener) {
    listener = newListener;
  }

  /**
   * Takes the handler, the session and the {@code Mono} the handler returned, and returns the {@code Mono} to go on
   * with: the same one when anything goes wrong here.
   */
  public static Object handled(Object handler, Object session, Object mono) {
    StallwatchReactiveWebSocketListener current = listener;
    if (current == null || mono == null) {
      return mono;
    }
    try {
      Object decorated = current.handled(handler, session, mono);
      return decorated != null ? decorated : mono;
    } catch (Throwable t) {
      StallwatchHealth.swallowed(t);
      return mono;
    }
  }

  public static Object inbound(Object connection, Object frame) {
    StallwatchReactiveWebSocketListener current = listener;
    if (current == null) {
      return null;
    }
    try {
      return current.inbound(connection, frame);
    } catch (Throwable t) {
      StallwatchHealth.swallowed(t);
      return null;
    }
  }

  public static void inboundDone(Object token, Throwable thrown) {
    if (token == null) {
      return;
    }
    StallwatchReactiveWebSocketListener current = listener;
    if (current == null) {
      return;
    }
    try {
      current.inboundDone(token, thrown);
    } catch (Throwable t) {
      StallwatchHealth.swallowed(t);
      // never disturb the application
    }
  }

  public static void sent(Object session, Object message) {
    StallwatchReactiveWebSocketListener current = listener;
    if (current == null) {
      return;
    }
    try {
      current.sent(session, message);
    } catch (Throwable t) {
      StallwatchHealth.swallowed(t);
      // never disturb the application
    }
  }
}
