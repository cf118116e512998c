package dev.stallwatch.websocket;

import dev.stallwatch.telemetry.TelemetryNames;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.trace.SpanKind;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** One instrumented handler method: what its spans and metrics say about it, prepared once. */
final class WebSocketSite {
  private static final int MAX_CACHED_CLOSE_CODES = 32;

  final String endpoint;
  final HandlerMethod method;
  /** {@code com.acme.RewriteEndpoint.onMessage}. */
  final String qualifiedName;
  /** How the runaway watchdog names a call: {@code com.acme.RewriteEndpoint.onMessage (/rewrite/{document})}. */
  final String operationName;
  /** {@code websocket message /rewrite/{document}}. */
  final String spanName;
  final SpanKind spanKind;
  final long thresholdNanos;
  final Attributes spanAttributes;
  /** {@code websocket.endpoint} alone: sessions and messages. */
  final Attributes endpointAttributes;
  /** {@link #endpointAttributes} with each message type, for the message counters. */
  final MessageAttributes messageAttributes;
  /** Endpoint and event: handler durations and errors. */
  final Attributes handlerAttributes;
  final Map<String, Object> details;
  /** Whether this is a handler method of the application's, rather than the container's side of a lifecycle. */
  final boolean applicationMethod;
  private final Map<Class<?>, Attributes> errorAttributes = new ConcurrentHashMap<>();
  private final Map<Integer, Attributes> closedAttributes = new ConcurrentHashMap<>();

  WebSocketSite(String className, String endpoint, HandlerMethod method, long thresholdNanos) {
    this(className + "." + method.name(), endpoint, method, thresholdNanos, true);
  }

  /**
   * A session's open, close or error as the container tells the endpoint ({@link LifecycleHooks}): no handler method
   * of the application's is named, as the endpoint may declare none.
   */
  static WebSocketSite containerSide(String endpoint, HandlerEvent event, boolean partial, long thresholdNanos) {
    boolean message = event == HandlerEvent.MESSAGE;
    HandlerMethod method = new HandlerMethod("on" + Character.toUpperCase(event.wireName.charAt(0))
        + event.wireName.substring(1), "", event, -1, message ? 0 : -1, -1, -1, null, partial ? 1 : -1);
    return new WebSocketSite("the container's " + event.wireName + " of " + endpoint, endpoint, method,
        thresholdNanos, false);
  }

  private WebSocketSite(String qualifiedName, String endpoint, HandlerMethod method, long thresholdNanos,
      boolean applicationMethod) {
    this.endpoint = endpoint;
    this.method = method;
    this.thresholdNanos = thresholdNanos;
    this.qualifiedName = qualifiedName;
    this.applicationMethod = applicationMethod;
    operationName = applicationMethod ? qualifiedName + " (" + endpoint + ")" : qualifiedName;
    spanName = TelemetryNames.webSocketSpanName(method.event().wireName, endpoint);
    // An inbound message is consumed (on the server and on the client alike); the lifecycle callbacks are internal.
    spanKind = method.event() == HandlerEvent.MESSAGE ? SpanKind.CONSUMER : SpanKind.INTERNAL;
    spanAttributes = withSemanticConventions(applicationMethod
        ? Attributes.of(TelemetryNames.WEBSOCKET_ENDPOINT, endpoint, TelemetryNames.WEBSOCKET_EVENT,
            method.event().wireName, TelemetryNames.CODE_FUNCTION_NAME, qualifiedName, TelemetryNames.OPERATION_KIND,
            WebSockets.KIND)
        : Attributes.of(TelemetryNames.WEBSOCKET_ENDPOINT, endpoint, TelemetryNames.WEBSOCKET_EVENT,
            method.event().wireName, TelemetryNames.OPERATION_KIND, WebSockets.KIND),
        endpoint, method.event() == HandlerEvent.MESSAGE);
    endpointAttributes = Attributes.of(TelemetryNames.WEBSOCKET_ENDPOINT, endpoint);
    messageAttributes = new MessageAttributes(endpointAttributes, TelemetryNames.WEBSOCKET_MESSAGE_TYPE);
    handlerAttributes = Attributes.of(TelemetryNames.WEBSOCKET_ENDPOINT, endpoint,
        TelemetryNames.WEBSOCKET_EVENT, method.event().wireName);
    details = Map.of("endpoint", endpoint, "event", method.event().wireName);
  }

  /**
   * The names the OpenTelemetry semantic conventions have for what a WebSocket span already says: the protocol on
   * every span, and on a message span the messaging conventions' consumer names (the endpoint is a destination
   * template when it is a path template, a destination name otherwise).
   */
  private static Attributes withSemanticConventions(Attributes own, String endpoint, boolean message) {
    AttributesBuilder builder = own.toBuilder()
        .put(TelemetryNames.NETWORK_PROTOCOL_NAME, TelemetryNames.WEBSOCKET_PROTOCOL);
    if (message) {
      builder.put(TelemetryNames.MESSAGING_SYSTEM, TelemetryNames.WEBSOCKET_PROTOCOL)
          .put(TelemetryNames.MESSAGING_OPERATION_TYPE, "process")
          .put(TelemetryNames.NETWORK_IO_DIRECTION, "receive")
          .put(endpoint.contains("{") ? TelemetryNames.MESSAGING_DESTINATION_TEMPLATE
              : TelemetryNames.MESSAGING_DESTINATION_NAME, endpoint);
    }
    return builder.build();
  }

  /** {@link #handlerAttributes} with the failure's {@code error.type}, built once per exception class. */
  Attributes errorAttributes(Class<?> type) {
    return errorAttributes.computeIfAbsent(type,
        t -> handlerAttributes.toBuilder().put(TelemetryNames.ERROR_TYPE, t.getName()).build());
  }

  /**
   * {@link #endpointAttributes} with the close code (-1 when none), built once per code; a peer that sends ever new
   * codes gets fresh attributes past a few dozen rather than a growing map.
   */
  Attributes closedAttributes(int closeCode) {
    int code = Math.max(closeCode, -1);
    Attributes cached = closedAttributes.get(code);
    if (cached != null) {
      return cached;
    }
    Attributes built = endpointAttributes.toBuilder().put(TelemetryNames.WEBSOCKET_CLOSE_CODE, (long) code).build();
    if (closedAttributes.size() < MAX_CACHED_CLOSE_CODES) {
      closedAttributes.putIfAbsent(code, built);
    }
    return built;
  }

  Object argument(Object[] arguments, int index) {
    return index >= 0 && arguments != null && index < arguments.length ? arguments[index] : null;
  }
}
