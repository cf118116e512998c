package dev.stallwatch.websocket;

/**
 * One WebSocket handler method found in a class, and which of its arguments is what: the index of the session, the
 * message, the close reason or status, the error, and a partial message's last-part flag, or -1 where it has none.
 */
record HandlerMethod(String name, String descriptor, HandlerEvent event, int session, int message, int close,
    int error, String messageType, int last) {
  HandlerMethod(String name, String descriptor, HandlerEvent event, int session, int message, int close, int error,
      String messageType) {
    this(name, descriptor, event, session, message, close, error, messageType, -1);
  }

  /** A handler handed a message in parts ({@code MessageHandler.Partial}, an {@code @OnMessage} with a boolean). */
  boolean partial() {
    return last >= 0;
  }
}
