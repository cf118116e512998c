package dev.stallwatch.websocket;

/**
 * One WebSocket handler method found in a class, and which of its arguments is what: the index of the session, the
 * message, the close reason or status, and the error, or -1 where it has none.
 */
record HandlerMethod(String name, String descriptor, HandlerEvent event, int session, int message, int close,
    int error, String messageType) {}
