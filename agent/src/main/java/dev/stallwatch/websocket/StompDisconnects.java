package dev.stallwatch.websocket;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The STOMP sessions whose client sent {@code DISCONNECT}, until their WebSocket closes. Spring's broker answers a
 * {@code DISCONNECT} without a receipt with an {@code ERROR} frame ("Session closed.") and closes the WebSocket with
 * 1002 (protocol error) when it gets there before the client's own close: the client ended its session as the
 * protocol says, so that close is no error ({@link WebSocketCalls}). Keyed by Spring's session id (its STOMP headers'
 * {@code simpSessionId}), which the container's close reaches through Spring's adapter ({@code
 * StandardWebSocketHandlerAdapter.wsSession}); looked up only at a close while some session is waiting here.
 */
final class StompDisconnects {
  /** The close code Spring's STOMP handler closes with after an {@code ERROR} frame. */
  static final int PROTOCOL_ERROR = 1002;
  private static final int MAX_TRACKED = 100_000;

  private final Map<String, Boolean> disconnected = new ConcurrentHashMap<>();

  /** A client's {@code DISCONNECT} frame arrived on session {@code sessionId}. */
  void disconnected(String sessionId) {
    if (sessionId != null && disconnected.size() < MAX_TRACKED) {
      disconnected.put(sessionId, Boolean.TRUE);
    }
  }

  /**
   * The container tells {@code endpoint} (Spring's adapter) that its session closed: whether its STOMP client had
   * sent {@code DISCONNECT}.
   */
  boolean closed(Object endpoint) {
    if (disconnected.isEmpty() || endpoint == null
        || !endpoint.getClass().getName().startsWith("org.springframework.web.socket.")) {
      return false;
    }
    Object id = call(field(endpoint, "wsSession"), "getId");
    return id instanceof String session && disconnected.remove(session) != null;
  }

  private static Object field(Object target, String name) {
    for (Class<?> c = target.getClass(); c != null; c = c.getSuperclass()) {
      try {
        Field field = c.getDeclaredField(name);
        field.setAccessible(true);
        return field.get(target);
      } catch (NoSuchFieldException e) {
        // look in the superclass
      } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
        return null;
      }
    }
    return null;
  }

  private static Object call(Object target, String method) {
    if (target == null) {
      return null;
    }
    try {
      Method m = target.getClass().getMethod(method);
      m.setAccessible(true);
      return m.invoke(target);
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      return null;
    }
  }
}
