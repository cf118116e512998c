package dev.stallwatch.bootstrap;

/**
 * The static hooks inlined into Spring's STOMP messaging classes (see {@code websocket/StompTransformer}): a frame a
 * client sent, the dispatch of a message to an {@code @MessageMapping} method, and Spring's search for an
 * {@code @MessageExceptionHandler}. Defined into {@code java.base} like every class of this package. Never throws and
 * takes no lock; without a listener each hook is one volatile read.
 */
public final class StallwatchStomp {
  private static volatile StallwatchStompListener listener;

  private StallwatchStomp() {}

  /** Called once by the agent's core at startup. */
  public static void setListener(StallwatchStompListener newListener) {
    listener = newListener;
  }

  /** Called just before Spring's STOMP handler sends a decoded client frame to the client inbound channel. */
  public static void inbound(Object message) {
    StallwatchStompListener current = listener;
    if (current == null) {
      return;
    }
    try {
      current.inbound(message);
    } catch (Throwable t) {
      StallwatchHealth.swallowed(t);
      // never disturb the application
    }
  }

  /** On entry of Spring's {@code AbstractMethodMessageHandler.handleMatch}; the token goes to {@link #end}. */
  public static Object begin(Object mapping, Object handlerMethod, String lookupDestination, Object message) {
    StallwatchStompListener current = listener;
    if (current == null) {
      return null;
    }
    try {
      return current.begin(mapping, handlerMethod, lookupDestination, message);
    } catch (Throwable t) {
      StallwatchHealth.swallowed(t);
      return null;
    }
  }

  /** On exit of Spring's {@code getExceptionHandlerMethod}: what it returned (null: nothing handles the exception). */
  public static void exceptionHandled(Object exception, Object exceptionHandler) {
    StallwatchStompListener current = listener;
    if (current == null) {
      return;
    }
    try {
      current.exceptionHandled(exception, exceptionHandler);
    } catch (Throwable t) {
      StallwatchHealth.swallowed(t);
      // never disturb the application
    }
  }

  public static void end(Object token, Throwable thrown) {
    if (token == null) {
      return;
    }
    StallwatchStompListener current = listener;
    if (current == null) {
      return;
    }
    try {
      current.end(token, thrown);
    } catch (Throwable t) {
      StallwatchHealth.swallowed(t);
      // never disturb the application
    }
  }
}
