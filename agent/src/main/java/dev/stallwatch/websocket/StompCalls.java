package dev.stallwatch.websocket;

import dev.stallwatch.bootstrap.StallwatchStompListener;
import dev.stallwatch.runaway.InFlightOperations;
import dev.stallwatch.runaway.Operation;
import dev.stallwatch.telemetry.TelemetryNames;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.lang.reflect.Method;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * What Spring's STOMP messaging does, behind the bootstrap hooks ({@link StompTransformer}):
 * <ul>
 *   <li>each frame a client sends is counted by its command ({@code websocket.stomp.frames.received});
 *   <li>each message Spring hands to an {@code @MessageMapping} or {@code @SubscribeMapping} method is a
 *       {@code websocket message {destination template}} span on the inbound channel's thread, made current while the
 *       method runs, timed in {@code websocket.handler.duration} and watched by the runaway watchdog like any handler
 *       call. The destination template is the application destination prefix and the mapping's pattern
 *       ({@code /app/chat/{room}}), never the concrete destination, so that names stay few;
 *   <li>an exception the method throws is recorded on its span (status {@code ERROR}) and counted in
 *       {@code websocket.handler.errors}; it is a {@code websocket_error} detection ({@link StompErrors}) only when no
 *       {@code @MessageExceptionHandler} handles it.
 * </ul>
 * The span's parent is the context current when Spring ran the handler: the inbound channel's executor thread has
 * none of its own, so each handled message starts its own trace (the WebSocket read that decoded the frame is not a
 * span: it only decodes and hands over, see {@link StompTransformer}). Spring's objects are read by reflection, with
 * the methods looked up once per class.
 */
final class StompCalls implements StallwatchStompListener {
  private static final String COMMAND_HEADER = "stompCommand";
  private static final String MESSAGE_TYPE_HEADER = "simpMessageType";
  private static final String DESTINATION_HEADER = "simpDestination";
  private static final Predicate<Operation> STOMP_CALL = op -> op.attachment() instanceof Call;
  private static final int MAX_COMMANDS = 32;

  private static final String SESSION_HEADER = "simpSessionId";

  private final InFlightOperations operations;
  private final StompErrors errors;
  private final StompDisconnects disconnects;
  private final Tracer tracer;
  private final long thresholdNanos;
  private final LongCounter frames;
  private final DoubleHistogram durations;
  private final LongCounter handlerErrors;
  private final Map<String, Attributes> commandAttributes = new ConcurrentHashMap<>();
  /** Per handler method (Spring's registered {@code HandlerMethod}, by identity): its site per destination template. */
  private final Map<IdentityKey, Map<String, WebSocketSite>> sites = new ConcurrentHashMap<>();
  private final Map<Class<?>, Map<String, Method>> accessors = new ConcurrentHashMap<>();
  /** Where a class has no such method: looked up once, not again per message. */
  private static final Method MISSING;

  static {
    try {
      MISSING = Object.class.getMethod("hashCode");
    } catch (NoSuchMethodException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  StompCalls(InFlightOperations operations, StompErrors errors, StompDisconnects disconnects, Tracer tracer,
      Meter meter, long thresholdNanos, DoubleHistogram durations, LongCounter handlerErrors) {
    this.operations = operations;
    this.disconnects = disconnects;
    this.errors = errors;
    this.tracer = tracer;
    this.thresholdNanos = thresholdNanos;
    this.durations = durations;
    this.handlerErrors = handlerErrors;
    frames = meter.counterBuilder(TelemetryNames.WEBSOCKET_STOMP_FRAMES_RECEIVED_METRIC).setUnit("{frame}")
        .setDescription("STOMP frames received from clients over WebSocket, by command").build();
  }

  @Override
  public void inbound(Object message) {
    InFlightOperations.PerThread thread = operations.currentThread();
    if (thread.busy()) {
      return;
    }
    thread.busy(true);
    try {
      Map<?, ?> headers = headers(message);
      String command = command(headers);
      frames.add(1, commandAttributes(command));
      if (command.equals("DISCONNECT") && headers.get(SESSION_HEADER) instanceof String session) {
        disconnects.disconnected(session);
      }
    } finally {
      thread.busy(false);
    }
  }

  @Override
  public Object begin(Object mapping, Object handlerMethod, String lookupDestination, Object message) {
    InFlightOperations.PerThread thread = operations.currentThread();
    if (thread.busy() || handlerMethod == null) {
      return null;
    }
    thread.busy(true);
    try {
      Map<?, ?> headers = headers(message);
      WebSocketSite site = site(mapping, handlerMethod, lookupDestination, headers);
      if (site == null) {
        return null;
      }
      String command = command(headers);
      Context parent = Context.current();
      Span span = tracer.spanBuilder(site.spanName).setParent(parent).setSpanKind(site.spanKind).startSpan();
      if (span.isRecording()) {
        span.setAllAttributes(site.spanAttributes);
        span.setAttribute(TelemetryNames.THREAD_NAME, Thread.currentThread().getName());
        span.setAttribute(TelemetryNames.WEBSOCKET_STOMP_COMMAND, command);
      }
      Operation op = operations.begin(thread, WebSockets.KIND, site.operationName, site, site.thresholdNanos, span,
          site.details);
      @SuppressWarnings("MustBeClosedChecker") // closed by end()
      Scope scope = parent.with(span).makeCurrent();
      op.attach(new Call(scope, command));
      return op;
    } finally {
      thread.busy(false);
    }
  }

  @Override
  public void exceptionHandled(Object exception, Object exceptionHandler) {
    InFlightOperations.PerThread thread = operations.currentThread();
    if (thread.busy() || !(exception instanceof Throwable thrown)) {
      return;
    }
    Operation op = thread.innermost(STOMP_CALL);
    if (op == null) {
      return; // an asynchronous return value that failed later, on another thread: not a handler call seen here
    }
    thread.busy(true);
    try {
      Call call = (Call) op.attachment();
      Throwable error = unwrap(thrown);
      call.error = error;
      boolean handled = exceptionHandler != null;
      WebSocketSite site = (WebSocketSite) op.key();
      Span span = op.span();
      if (span.isRecording()) {
        span.recordException(error);
        span.setStatus(StatusCode.ERROR, error.getClass().getName());
        span.setAttribute(TelemetryNames.ERROR_TYPE, error.getClass().getName());
        span.setAttribute(TelemetryNames.WEBSOCKET_STOMP_ERROR_HANDLED, handled);
      }
      handlerErrors.add(1, site.errorAttributes(error.getClass()));
      if (!handled) {
        errors.failed(site, call.command, error, span);
      }
    } finally {
      thread.busy(false);
    }
  }

  @Override
  public void end(Object token, Throwable thrown) {
    if (!(token instanceof Operation op) || !(op.attachment() instanceof Call call)) {
      return;
    }
    long now = System.nanoTime();
    InFlightOperations.PerThread thread = op.owner();
    thread.busy(true);
    try {
      call.scope.close();
      WebSocketSite site = (WebSocketSite) op.key();
      Span span = op.span();
      Throwable error = call.error;
      if (thrown != null && error == null) { // escaped Spring's own handling: not expected, but not to be lost
        error = thrown;
        if (span.isRecording()) {
          span.recordException(thrown);
          span.setStatus(StatusCode.ERROR, thrown.getClass().getName());
          span.setAttribute(TelemetryNames.ERROR_TYPE, thrown.getClass().getName());
        }
        handlerErrors.add(1, site.errorAttributes(thrown.getClass()));
        errors.failed(site, call.command, thrown, span);
      }
      operations.end(op, now);
      span.end();
      durations.record((now - op.startNanos()) / 1e9,
          error == null ? site.handlerAttributes : site.errorAttributes(error.getClass()));
    } finally {
      thread.busy(false);
    }
  }

  /**
   * The site of a handler method and destination template: {@code /app} + {@code /chat/{room}}. The prefix is what
   * the message's destination has before the lookup destination Spring matched; the pattern is the matching
   * mapping's first (best) one.
   */
  private WebSocketSite site(Object mapping, Object handlerMethod, String lookupDestination, Map<?, ?> headers) {
    String pattern = firstPattern(mapping);
    if (pattern == null) {
      pattern = lookupDestination; // a mapping of another shape: still bounded by the application's destinations
    }
    String prefix = "";
    if (headers != null && headers.get(DESTINATION_HEADER) instanceof String destination && lookupDestination != null
        && destination.endsWith(lookupDestination)) {
      prefix = destination.substring(0, destination.length() - lookupDestination.length());
    }
    String template = prefix + (pattern == null ? "" : pattern);
    Map<String, WebSocketSite> byTemplate = sites.computeIfAbsent(new IdentityKey(handlerMethod),
        k -> new ConcurrentHashMap<>());
    WebSocketSite site = byTemplate.get(template);
    if (site != null) {
      return site;
    }
    Method method = call(handlerMethod, "getMethod") instanceof Method m ? m : null;
    Class<?> beanType = call(handlerMethod, "getBeanType") instanceof Class<?> c ? c : null;
    if (method == null) {
      return null;
    }
    String className = (beanType != null ? beanType : method.getDeclaringClass()).getName();
    HandlerMethod handler = new HandlerMethod(method.getName(), "", HandlerEvent.MESSAGE, -1, -1, -1, -1, null);
    WebSocketSite made = new WebSocketSite(className, template, handler, thresholdNanos);
    WebSocketSite raced = byTemplate.putIfAbsent(template, made);
    return raced != null ? raced : made;
  }

  /** The matching mapping's best destination pattern ({@code SimpMessageMappingInfo}), or null. */
  private String firstPattern(Object mapping) {
    Object conditions = call(mapping, "getDestinationConditions");
    if (call(conditions, "getPatterns") instanceof Collection<?> patterns && !patterns.isEmpty()
        && patterns.iterator().next() instanceof String first) {
      return first;
    }
    return null;
  }

  private Map<?, ?> headers(Object message) {
    return call(message, "getHeaders") instanceof Map<?, ?> headers ? headers : null;
  }

  /** The frame's command ({@code SEND}, ...), {@code HEARTBEAT} for a heart-beat, else {@code UNKNOWN}. */
  private static String command(Map<?, ?> headers) {
    if (headers != null) {
      if (headers.get(COMMAND_HEADER) instanceof Enum<?> command) {
        return command.name();
      }
      if (headers.get(MESSAGE_TYPE_HEADER) instanceof Enum<?> type && type.name().equals("HEARTBEAT")) {
        return "HEARTBEAT";
      }
    }
    return "UNKNOWN";
  }

  private Attributes commandAttributes(String command) {
    Attributes cached = commandAttributes.get(command);
    if (cached != null) {
      return cached;
    }
    Attributes made = Attributes.of(TelemetryNames.WEBSOCKET_STOMP_COMMAND, command);
    if (commandAttributes.size() < MAX_COMMANDS) { // two enums of Spring's: bounded anyway
      commandAttributes.putIfAbsent(command, made);
    }
    return made;
  }

  /** What Spring wraps a handler's {@code Error} in ({@code MessageHandlingException}) is not what the handler threw. */
  private static Throwable unwrap(Throwable thrown) {
    if (thrown.getClass().getName().equals("org.springframework.messaging.MessageHandlingException")
        && thrown.getCause() != null) {
      return thrown.getCause();
    }
    return thrown;
  }

  /** A public no-argument method of a public Spring type, looked up once per class; null when anything fails. */
  private Object call(Object target, String name) {
    if (target == null) {
      return null;
    }
    Map<String, Method> methods = accessors.computeIfAbsent(target.getClass(), c -> new ConcurrentHashMap<>());
    Method method = methods.get(name);
    try {
      if (method == null) {
        try {
          method = target.getClass().getMethod(name);
          method.setAccessible(true);
        } catch (NoSuchMethodException | RuntimeException e) {
          method = MISSING;
        }
        methods.put(name, method);
      }
      return method == MISSING ? null : method.invoke(target);
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      return null;
    }
  }

  /** A handler call in progress: its scope, the frame's command, and what it threw once Spring said so. */
  static final class Call {
    final Scope scope;
    final String command;
    Throwable error;

    Call(Scope scope, String command) {
      this.scope = scope;
      this.command = command;
    }
  }
}
