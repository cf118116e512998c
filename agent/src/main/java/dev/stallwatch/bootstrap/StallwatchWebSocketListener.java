package dev.stallwatch.bootstrap;

/**
 * What the agent's core does when an instrumented WebSocket handler method (an {@code @OnMessage} method, an
 * {@code Endpoint.onClose}, a Spring {@code handleTextMessage}, ...) starts and ends. Implemented in the core,
 * registered with {@link StallwatchWebSockets#setListener}. JDK types only (see {@code StallwatchClock}).
 */
public interface StallwatchWebSocketListener {
  /**
   * @param site the constant the instrumentation baked into the method, naming it and the role of each argument
   * @param self the handler object (the same one for every part of a partial message)
   * @param arguments the handler's arguments (the session, the message, the close reason, the error)
   * @return a token handed back to {@link #end}, or null when the call is not tracked
   */
  Object begin(int site, Object self, Object[] arguments);

  /**
   * The handler returned ({@code thrown} null) or threw; {@code token} is what {@link #begin} returned, and
   * {@code returned} what the method returned (null for void): an {@code @OnMessage} return value is sent as a reply.
   */
  void end(Object token, Throwable thrown, Object returned);

  /** The application is about to send {@code message} (a String, ByteBuffer, object or Spring message). */
  void sent(Object message);

  /**
   * The container is about to tell the endpoint that a session opened, closed or failed ({@code kind}: see
   * {@link StallwatchWebSockets#lifecycle}); returns a token for {@link #end}, or null.
   */
  Object lifecycle(int kind, Object self, Object first, Object second);

  /** The application opened a streamed message ({@code text} for a writer, else a binary stream). */
  void sentStream(boolean text);

  /**
   * A container hands a message (or a part of one) to a handler whose class is not instrumented (a lambda); returns
   * a token for {@link #end}, or null.
   */
  Object received(Object handler, Object message, boolean partial, boolean last);
}
