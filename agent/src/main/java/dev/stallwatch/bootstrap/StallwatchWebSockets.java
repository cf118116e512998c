package dev.stallwatch.bootstrap;

/**
 * The static hooks inlined into WebSocket handler methods: {@code begin} on entry, {@code end} on every exit.
 * Defined into {@code java.base} like every class of this package, so handlers in any class loader can call it. Never
 * throws and takes no lock; without a listener {@code begin} is one volatile read.
 */
public final class StallwatchWebSockets {
  private static volatile StallwatchWebSocketListener listener;

  private StallwatchWebSockets() {}

  /** Called once by the agent's core at startup. */
  public static void setListener(StallwatchWebSocketListener newListener) {
    listener = newListener;
  }

  public static Object begin(int site, Object[] arguments) {
    StallwatchWebSocketListener current = listener;
    if (current == null) {
      return null;
    }
    try {
      return current.begin(site, arguments);
    } catch (Throwable t) {
      StallwatchHealth.swallowed(t);
      return null;
    }
  }

  /**
   * Inlined into the container's side of a session's lifecycle (an {@code Endpoint.onOpen/onClose/onError} as the
   * container calls it, Jetty's frame handler): {@code kind} is a constant naming the event and the hook's shape,
   * {@code self} the hooked object and {@code first}, {@code second} its two arguments. The token goes to {@link #end}.
   */
  public static Object lifecycle(int kind, Object self, Object first, Object second) {
    StallwatchWebSocketListener current = listener;
    if (current == null) {
      return null;
    }
    try {
      return current.lifecycle(kind, self, first, second);
    } catch (Throwable t) {
      StallwatchHealth.swallowed(t);
      return null;
    }
  }

  public static void end(Object token, Throwable thrown, Object returned) {
    if (token == null) {
      return;
    }
    StallwatchWebSocketListener current = listener;
    if (current == null) {
      return;
    }
    try {
      current.end(token, thrown, returned);
    } catch (Throwable t) {
      StallwatchHealth.swallowed(t);
      // never disturb the application
    }
  }

  /**
   * Called where the application sends a WebSocket message (its call sites of {@code RemoteEndpoint.sendText},
   * Spring's {@code WebSocketSession.sendMessage}, ... are rewritten to call this first, with the message).
   */
  public static void sent(Object message) {
    StallwatchWebSocketListener current = listener;
    if (current == null) {
      return;
    }
    try {
      current.sent(message);
    } catch (Throwable t) {
      StallwatchHealth.swallowed(t);
      // never disturb the application
    }
  }

  /**
   * Called where the application opens a streamed send ({@code RemoteEndpoint.Basic.getSendWriter()} for text,
   * {@code getSendStream()} for binary): one message whose size is not known.
   */
  public static void sentStream(boolean text) {
    StallwatchWebSocketListener current = listener;
    if (current == null) {
      return;
    }
    try {
      current.sentStream(text);
    } catch (Throwable t) {
      StallwatchHealth.swallowed(t);
      // never disturb the application
    }
  }
}
