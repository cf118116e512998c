package dev.stallwatch.websocket;

import java.lang.reflect.Method;
import java.nio.ByteBuffer;

/**
 * Reads what the agent reports from the WebSocket API objects a handler receives, without linking against any of the
 * three APIs (the application brings them, in its own class loader): a message's size and kind, a close code and
 * reason. Payloads are never read beyond their length.
 */
final class WebSocketObjects {
  /** What the agent reads from objects of one class, found once per class: no lookup by name per message. */
  private static final ClassValue<Accessors> ACCESSORS = new ClassValue<>() {
    @Override
    protected Accessors computeValue(Class<?> type) {
      return new Accessors(type);
    }
  };

  private WebSocketObjects() {}

  /**
   * The message's size in bytes (UTF-8 for text), or -1 when it cannot be known without reading it. A Spring message
   * is measured from its payload (a String or a buffer), never with {@code getPayloadLength()}, which for a text
   * message encodes the whole payload to count its bytes.
   */
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
    if (message != null) {
      Accessors accessors = ACCESSORS.get(message.getClass());
      if (accessors.springType != null) {
        Object payload = call(accessors.payload, message);
        return payload instanceof String || payload instanceof ByteBuffer || payload instanceof byte[]
            ? size(payload) : -1;
      }
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
    if (message != null) {
      String springType = ACCESSORS.get(message.getClass()).springType;
      if (springType != null && !springType.isEmpty()) {
        return springType;
      }
    }
    return declared == null ? "object" : declared;
  }

  /** The close code of a {@code CloseReason} (Jakarta, javax) or {@code CloseStatus} (Spring), or -1. */
  static int closeCode(Object reason) {
    if (reason == null) {
      return -1;
    }
    Accessors accessors = ACCESSORS.get(reason.getClass());
    Object code = call(accessors.code, reason);
    if (code instanceof Integer n) {
      return n;
    }
    Object closeCode = call(accessors.closeCode, reason);
    Object value = closeCode == null ? null : call(ACCESSORS.get(closeCode.getClass()).code, closeCode);
    return value instanceof Integer n ? n : -1;
  }

  /** The close reason phrase, or null when there is none. */
  static String closeReason(Object reason) {
    if (reason == null) {
      return null;
    }
    Accessors accessors = ACCESSORS.get(reason.getClass());
    Object phrase = call(accessors.reasonPhrase, reason);
    if (phrase == null) {
      phrase = call(accessors.reason, reason);
    }
    return phrase instanceof String s && !s.isEmpty() ? s : null;
  }

  private static Object call(Method method, Object target) {
    if (method == null) {
      return null;
    }
    try {
      return method.invoke(target);
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;
    }
  }

  /**
   * The UTF-8 length of {@code text}, counted as {@code text.getBytes(UTF_8).length} would (an unpaired surrogate
   * becomes one replacement byte there) without encoding it.
   */
  static long utf8Length(String text) {
    long bytes = 0;
    for (int i = 0, n = text.length(); i < n; i++) {
      char c = text.charAt(i);
      if (c < 0x80) {
        bytes++;
      } else if (c < 0x800) {
        bytes += 2;
      } else if (!Character.isSurrogate(c)) {
        bytes += 3;
      } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(text.charAt(i + 1))) {
        bytes += 4;
        i++;
      } else {
        bytes++;
      }
    }
    return bytes;
  }

  /** The methods of one class the agent calls, or null where the class has none; and whether it is a Spring message. */
  private static final class Accessors {
    /** For a Spring {@code AbstractWebSocketMessage}: {@code text}, {@code binary}, {@code pong} or "" (another kind). */
    final String springType;
    final Method payload;
    final Method code;
    final Method closeCode;
    final Method reasonPhrase;
    final Method reason;

    Accessors(Class<?> type) {
      springType = isSpringMessage(type) ? springType(type.getSimpleName()) : null;
      payload = springType == null ? null : find(type, "getPayload");
      code = find(type, "getCode");
      closeCode = find(type, "getCloseCode");
      reasonPhrase = find(type, "getReasonPhrase");
      reason = find(type, "getReason");
    }

    private static boolean isSpringMessage(Class<?> type) {
      for (Class<?> c = type; c != null; c = c.getSuperclass()) {
        if (c.getName().equals("org.springframework.web.socket.AbstractWebSocketMessage")) {
          return true;
        }
      }
      return false;
    }

    private static String springType(String simpleName) {
      if (simpleName.startsWith("Text")) {
        return "text";
      }
      if (simpleName.startsWith("Binary")) {
        return "binary";
      }
      if (simpleName.startsWith("Pong") || simpleName.startsWith("Ping")) {
        return "pong";
      }
      return "";
    }

    private static Method find(Class<?> type, String name) {
      try {
        Method method = type.getMethod(name);
        method.setAccessible(true);
        return method;
      } catch (ReflectiveOperationException | RuntimeException e) {
        return null;
      }
    }
  }
}
