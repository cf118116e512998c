package dev.stallwatch.websocket;

import dev.stallwatch.telemetry.TelemetryNames;
import io.opentelemetry.api.common.Attributes;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The sub-protocol a session negotiated ({@code Sec-WebSocket-Protocol}), read once at its opening from the session
 * object the container hands over: {@code getNegotiatedSubprotocol()} of a Jakarta or javax {@code Session},
 * {@code getNegotiatedSubProtocol()} of Jetty's {@code CoreSession}, {@code getAcceptedProtocol()} of Spring's
 * {@code WebSocketSession}. The server picks it from the list it declares, so its values are few; still, past
 * {@link #MAX_VALUES} distinct values a metric no longer carries it (the span still does).
 */
final class Subprotocols {
  static final int MAX_VALUES = 64;
  private static final String[] GETTERS = {"getNegotiatedSubprotocol", "getNegotiatedSubProtocol",
      "getAcceptedProtocol"};
  private static final ClassValue<Method> GETTER = new ClassValue<>() {
    @Override
    protected Method computeValue(Class<?> type) {
      for (String name : GETTERS) {
        try {
          Method method = type.getMethod(name);
          if (method.getReturnType() == String.class) {
            method.setAccessible(true);
            return method;
          }
        } catch (ReflectiveOperationException | RuntimeException e) {
          // not this one
        }
      }
      return null;
    }
  };

  private record Key(Attributes base, String subprotocol) {}

  private final Map<Key, Attributes> withSubprotocol = new ConcurrentHashMap<>();
  private final Map<String, Boolean> values = new ConcurrentHashMap<>();

  /** The session's negotiated sub-protocol, or null when it has none (empty) or the object does not say. */
  static String of(Object session) {
    if (session == null) {
      return null;
    }
    Method getter = GETTER.get(session.getClass());
    if (getter == null) {
      return null;
    }
    try {
      return getter.invoke(session) instanceof String s && !s.isEmpty() ? s : null;
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      return null;
    }
  }

  /** {@code base} with {@code websocket.subprotocol}, or {@code base} itself when there is none (or too many). */
  Attributes with(Attributes base, String subprotocol) {
    if (subprotocol == null) {
      return base;
    }
    Key key = new Key(base, subprotocol);
    Attributes cached = withSubprotocol.get(key);
    if (cached != null) {
      return cached;
    }
    if (!values.containsKey(subprotocol) && values.size() >= MAX_VALUES) {
      return base;
    }
    values.putIfAbsent(subprotocol, Boolean.TRUE);
    Attributes built = base.toBuilder().put(TelemetryNames.WEBSOCKET_SUBPROTOCOL, subprotocol).build();
    if (withSubprotocol.size() < 10_000) {
      withSubprotocol.putIfAbsent(key, built);
    }
    return built;
  }
}
