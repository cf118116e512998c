package dev.stallwatch.telemetry;

import io.opentelemetry.api.common.AttributeKey;

/**
 * Every name stallwatch exports (instrumentation scope, metric names, attribute keys, event and span names), in one
 * place, because they are the product's interface: dashboards, alerts and the collector tests query them, and
 * {@code docs/telemetry.md} documents them. Change one only on purpose; {@code TelemetryNamesTest} fails when a metric
 * or attribute here is missing from that document, or the document lists a metric that is not here.
 *
 * <p>One class rather than one per feature: the names form one vocabulary (a lock wait histogram, a WebSocket span
 * and a block span share {@code thread.name}, {@code error.type} and {@code stallwatch.operation.kind}), features may
 * not import each other but may all import this package, and a reader checking a dashboard against the code reads one
 * file. Sections follow {@code docs/telemetry.md}. Where the OpenTelemetry semantic conventions have a name
 * ({@code thread.name}, {@code code.stacktrace}, {@code error.type}, {@code code.function.name}) it is used. Metric
 * name constants end in {@code _METRIC}; the units and descriptions stay with the instrument that records them.
 */
public final class TelemetryNames {
  public static final String INSTRUMENTATION_SCOPE = "dev.stallwatch";
  /** A resource attribute: read from the SDK's resource, set when the user did not (see {@code ServiceName}). */
  public static final AttributeKey<String> SERVICE_NAME = AttributeKey.stringKey("service.name");

  // Shared by several features: semantic conventions first.
  public static final AttributeKey<String> THREAD_NAME = AttributeKey.stringKey("thread.name");
  public static final AttributeKey<String> CODE_STACKTRACE = AttributeKey.stringKey("code.stacktrace");
  public static final AttributeKey<String> CODE_FUNCTION_NAME = AttributeKey.stringKey("code.function.name");
  /** The class name of what a failed call threw. */
  public static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
  /** {@code block} or {@code websocket}: what kind of traced operation a span or an operations metric is about. */
  public static final AttributeKey<String> OPERATION_KIND = AttributeKey.stringKey("stallwatch.operation.kind");

  // Detections (report/).
  public static final String DETECTIONS_METRIC = "stallwatch.detections";
  /** The event name of a detection's log record and span event. */
  public static final String DETECTION_EVENT = "stallwatch.detection";
  public static final AttributeKey<String> DETECTION_KIND = AttributeKey.stringKey("stallwatch.detection.kind");
  public static final AttributeKey<String> DETECTION_MESSAGE = AttributeKey.stringKey("stallwatch.detection.message");
  /** The whole detection as the JSON Lines file holds it. */
  public static final AttributeKey<String> DETECTION_JSON = AttributeKey.stringKey("stallwatch.detection.json");

  // Locks and semaphore permits (locks/).
  public static final String LOCK_WAIT_DURATION_METRIC = "stallwatch.lock.wait.duration";
  public static final String SEMAPHORE_PERMITS_IN_USE_METRIC = "stallwatch.semaphore.permits.in_use";
  public static final String SEMAPHORE_PERMITS_AVAILABLE_METRIC = "stallwatch.semaphore.permits.available";

  // The agent's own health (AgentHealth).
  public static final String AGENT_LOCK_WAITS_DROPPED_METRIC = "stallwatch.agent.lock_waits.dropped";
  public static final String AGENT_PERMITS_UNTRACKED_METRIC = "stallwatch.agent.permits.untracked";
  public static final String AGENT_PERMIT_RELEASES_DROPPED_METRIC = "stallwatch.agent.permit_releases.dropped";
  public static final String AGENT_ERRORS_SWALLOWED_METRIC = "stallwatch.agent.errors.swallowed";
  public static final String AGENT_WATCHDOG_LATE_METRIC = "stallwatch.agent.watchdog.late";
  public static final AttributeKey<String> LOCK_CLASS = AttributeKey.stringKey("stallwatch.lock.class");
  public static final AttributeKey<String> LOCK_SITE = AttributeKey.stringKey("stallwatch.lock.site");
  public static final AttributeKey<String> SEMAPHORE = AttributeKey.stringKey("stallwatch.semaphore");
  public static final AttributeKey<String> SEMAPHORE_SITE = AttributeKey.stringKey("stallwatch.semaphore.site");

  // Traced operations and the runaway watchdog (runaway/).
  public static final String ACTIVE_OPERATIONS_METRIC = "stallwatch.operations.active";
  public static final String RUNAWAYS_METRIC = "stallwatch.runaways";
  /** Set on an operation's span when it was reported as a runaway, before the span ends. */
  public static final AttributeKey<Boolean> RUNAWAY = AttributeKey.booleanKey("stallwatch.runaway");

  // Block methods (blocks/).
  public static final String BLOCK_DURATION_METRIC = "stallwatch.block.duration";
  public static final AttributeKey<String> BLOCK_PATTERN = AttributeKey.stringKey("stallwatch.block.pattern");

  // WebSocket handlers (websocket/).
  public static final String WEBSOCKET_SESSIONS_ACTIVE_METRIC = "websocket.sessions.active";
  public static final String WEBSOCKET_SESSIONS_OPENED_METRIC = "websocket.sessions.opened";
  public static final String WEBSOCKET_SESSIONS_CLOSED_METRIC = "websocket.sessions.closed";
  public static final String WEBSOCKET_MESSAGES_RECEIVED_METRIC = "websocket.messages.received";
  public static final String WEBSOCKET_MESSAGE_RECEIVED_SIZE_METRIC = "websocket.message.received.size";
  public static final String WEBSOCKET_MESSAGES_SENT_METRIC = "websocket.messages.sent";
  public static final String WEBSOCKET_MESSAGE_SENT_SIZE_METRIC = "websocket.message.sent.size";
  public static final String WEBSOCKET_HANDLER_DURATION_METRIC = "websocket.handler.duration";
  public static final String WEBSOCKET_HANDLER_ERRORS_METRIC = "websocket.handler.errors";
  public static final AttributeKey<String> WEBSOCKET_ENDPOINT = AttributeKey.stringKey("websocket.endpoint");
  public static final AttributeKey<String> WEBSOCKET_EVENT = AttributeKey.stringKey("websocket.event");
  public static final AttributeKey<String> WEBSOCKET_MESSAGE_TYPE = AttributeKey.stringKey("websocket.message.type");
  public static final AttributeKey<Long> WEBSOCKET_MESSAGE_SIZE = AttributeKey.longKey("websocket.message.size");
  public static final AttributeKey<Long> WEBSOCKET_CLOSE_CODE = AttributeKey.longKey("websocket.close.code");
  public static final AttributeKey<String> WEBSOCKET_CLOSE_REASON = AttributeKey.stringKey("websocket.close.reason");
  /** The sub-protocol the session negotiated, when not empty (the open proposal discusses it, unnamed). */
  public static final AttributeKey<String> WEBSOCKET_SUBPROTOCOL = AttributeKey.stringKey("websocket.subprotocol");
  // Semantic-convention names every WebSocket span carries too (docs/telemetry.md, "Semantic conventions"):
  // network.protocol.name on all; on a message span the messaging conventions' consumer names, with "websocket" as
  // messaging.system (the first option of the open WebSocket proposal) and network.io.direction "receive".
  public static final String WEBSOCKET_PROTOCOL = "websocket";
  public static final AttributeKey<String> NETWORK_PROTOCOL_NAME = AttributeKey.stringKey("network.protocol.name");
  public static final AttributeKey<String> NETWORK_IO_DIRECTION = AttributeKey.stringKey("network.io.direction");
  public static final AttributeKey<String> MESSAGING_SYSTEM = AttributeKey.stringKey("messaging.system");
  public static final AttributeKey<String> MESSAGING_OPERATION_TYPE =
      AttributeKey.stringKey("messaging.operation.type");
  public static final AttributeKey<String> MESSAGING_DESTINATION_NAME =
      AttributeKey.stringKey("messaging.destination.name");
  public static final AttributeKey<String> MESSAGING_DESTINATION_TEMPLATE =
      AttributeKey.stringKey("messaging.destination.template");
  /** On an error callback's span: the error only said that the peer went away (EOF, reset), not a failure. */
  public static final AttributeKey<Boolean> WEBSOCKET_PEER_GONE = AttributeKey.booleanKey("websocket.peer_gone");
  /** On a message span: how many partial frames the application's handler was handed for the message. */
  public static final AttributeKey<Long> WEBSOCKET_MESSAGE_PARTS = AttributeKey.longKey("websocket.message.parts");
  // Spring's STOMP messaging over WebSocket (websocket/StompCalls).
  public static final String WEBSOCKET_STOMP_FRAMES_RECEIVED_METRIC = "websocket.stomp.frames.received";
  /** A client frame's STOMP command ({@code SEND}, {@code SUBSCRIBE}, ...; {@code HEARTBEAT} for a heart-beat). */
  public static final AttributeKey<String> WEBSOCKET_STOMP_COMMAND = AttributeKey.stringKey("websocket.stomp.command");
  /** On a STOMP handler's span that failed: whether an {@code @MessageExceptionHandler} handled the exception. */
  public static final AttributeKey<Boolean> WEBSOCKET_STOMP_ERROR_HANDLED =
      AttributeKey.booleanKey("websocket.stomp.error.handled");

  private TelemetryNames() {}

  /** A block method's span: {@code Pipeline.processBlock} for {@code com.acme.Pipeline#processBlock}. */
  public static String blockSpanName(String className, String methodName) {
    return className.substring(className.lastIndexOf('.') + 1) + "." + methodName;
  }

  /** A WebSocket handler's span: {@code websocket message /rewrite/{document}}. */
  public static String webSocketSpanName(String event, String endpoint) {
    return "websocket " + event + " " + endpoint;
  }
}
