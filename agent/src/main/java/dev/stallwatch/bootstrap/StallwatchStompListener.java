package dev.stallwatch.bootstrap;

/**
 * What the agent's core does when Spring's STOMP support receives a frame and runs an application's
 * {@code @MessageMapping} or {@code @SubscribeMapping} method. Implemented in the core, registered with
 * {@link StallwatchStomp#setListener}. JDK types only: every argument is Spring's own object, which the core reads by
 * reflection.
 */
public interface StallwatchStompListener {
  /** A STOMP frame from a client, decoded, about to be handed to the client inbound channel (on the reading thread). */
  void inbound(Object message);

  /**
   * Spring is about to run the handler method that matched {@code message} ({@code mapping} is the matching mapping,
   * {@code lookupDestination} the destination without the application's prefix); returns a token for {@link #end}, or
   * null when the call is not tracked.
   */
  Object begin(Object mapping, Object handlerMethod, String lookupDestination, Object message);

  /**
   * Spring looked for an {@code @MessageExceptionHandler} for what a handler method threw: {@code exceptionHandler} is
   * the one it found, or null when none handles it.
   */
  void exceptionHandled(Object exception, Object exceptionHandler);

  /** The handling that {@link #begin} returned {@code token} for ended; {@code thrown} is what escaped, if anything. */
  void end(Object token, Throwable thrown);
}
