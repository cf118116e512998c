package dev.stallwatch.bootstrap;

/**
 * What the agent's core does when a block-processing method starts and ends (WebSocket handler calls have their own
 * {@link StallwatchWebSocketListener}). Implemented in the core, registered with
 * {@link StallwatchOperations#setListener}; the advice inlined into application classes only ever talks to
 * {@link StallwatchOperations}.
 *
 * <p>Part of the bootstrap package: JDK types only (see {@code StallwatchClock}).
 */
public interface StallwatchOperationListener {
  /**
   * An instrumented method was entered.
   *
   * @param site the constant the instrumentation baked into the method, naming it
   * @return a token handed back to {@link #end}, or null when the call is not tracked (a recursive call, say)
   */
  Object begin(int site);

  /**
   * The method returned ({@code thrown} null) or threw.
   *
   * @param token what {@link #begin} returned, never null
   */
  void end(Object token, Throwable thrown);
}
