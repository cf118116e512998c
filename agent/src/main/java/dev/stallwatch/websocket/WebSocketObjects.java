package dev.stallwatch.websocket;

import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reads what the agent reports from the WebSocket API objects a handler receives, without linking against any of the
 * three APIs (the application brings them, in its own class loader): a message's size and kind, a close code and
 * reason. Payloads are never read beyond their length.
 */
final class WebSocketObjects {
  private static final Map<String, Method> METHODS = new ConcurrentHashMap<>();
  private static final Method MISSING;

  static {
    try {
      MISSING = Object.class.getMethod("hashCode");
    } catch (NoSuchMethodException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private WebSocketObjects() {}

  /** The message's size in bytes (UTF-8 for text), or -1 when it cannot be known without reading it. */
  static long size(Object message) {
    if (message instanceof String text) {
      return utf8Length(text);
    }
    if (message instanceof ByteBuffer buffer) {
      return buffer.remaining();
    }
    if (message instanceof byte[] bytes) {
      return bytes.length;
    }
    if (message != null && isSpringMessage(message)) {
      Object length = call(message, "getPayloadLength");
      return length instanceof Integer n ? n : -1;
    }
    return -1;
  }

  /**
   * {@code text}, {@code binary} or {@code pong} from the message itself where it tells (a String, a buffer, a Spring
   * message, whose kind a generic {@code WebSocketMessage} parameter does not say); else {@code declared}, the type
   * the handler's parameter declares ({@link WebSocketTypes#messageType}), or {@code object} when that is null.
   */
  static String type(Object message, String declared) {
    if (message instanceof String) {
      return "text";
    }
    if (message instanceof ByteBuffer || message instanceof byte[]) {
      return "binary";
    }
    if (message != null && isSpringMessage(message)) {
      String name = message.getClass().getSimpleName();
      if (name.startsWith("Text")) {
        return "text";
      }
      if (name.startsWith("Binary")) {
        return "binary";
      }
      if (name.startsWith("Pong") || name.startsWith("Ping")) {
        return "pong";
      }
    }
    return declared == null ? "object" : declared;
  }

  /** The close code of a {@code CloseReason} (Jakarta, javax) or {@code CloseStatus} (Spring), or -1. */
  static int closeCode(Object reason) {
    if (reason == null) {
      return -1;
    }
    Object code = call(reason, "getCode");
    if (code instanceof Integer n) {
      return n;
    }
    Object closeCode = call(reason, "getCloseCode");
    Object value = closeCode == null ? null : call(closeCode, "getCode");
    return value instanceof Integer n ? n : -1;
  }

  /** The close reason phrase, or null when there is none. */
  static String closeReason(Object reason) {
    if (reason == null) {
      return null;
    }
    Object phrase = call(reason, "getReasonPhrase");
    if (phrase == null) {
      phrase = call(reason, "getReason");
    }
    return phrase instanceof String s && !s.isEmpty() ? s : null;
  }

  private static boolean isSpringMessage(Object message) {
    for (Class<?> c = message.getClass(); c != null; c = c.getSuperclass()) {
      if (c.getName().equals("org.springframework.web.socket.AbstractWebSocketMessage")) {
        return true;
      }
    }
    return false;
  }

  private static Object call(Object target, String name) {
    Method method = METHODS.computeIfAbsent(target.getClass().getName() + "#" + name, key -> find(target, name));
    if (method == MISSING) {
      return null;
    }
    try {
      return method.invoke(target);
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;
    }
  }

  private static Method find(Object target, String name) {
    try {
      Method method = target.getClass().getMethod(name);
      method.setAccessible(true);
      return method;
    } catch (ReflectiveOperationException | RuntimeException e) {
      return MISSING;
    }
  }

  private static long utf8Length(String text) {
    long bytes = 0;
    for (int i = 0, n = text.length(); i < n; i++) {
      char c = text.charAt(i);
      if (c < 0x80) {
        bytes++;
      } else if (c < 0x800) {
        bytes += 2;
      } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(text.charAt(i + 1))) {
        bytes += 4;
        i++;
      } else {
        bytes += 3;
      }
    }
    return bytes;
  }
}
