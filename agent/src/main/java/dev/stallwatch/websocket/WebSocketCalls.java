package dev.stallwatch.websocket;

import dev.stallwatch.bootstrap.StallwatchWebSocketListener;
import dev.stallwatch.bootstrap.StallwatchWebSockets;
import dev.stallwatch.runaway.InFlightOperations;
import dev.stallwatch.runaway.Operation;
import dev.stallwatch.telemetry.TelemetryNames;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;

/**
 * What a WebSocket handler call does, behind the bootstrap hooks: a span made current for the call (so the block
 * methods it calls are its children), session and message metrics, an entry the runaway watchdog scans, and a
 * {@code websocket_error} detection when the handler fails. A handler call inside a running handler call of the same
 * event on the same thread is not traced again (a Spring handler decorated by another is one span), but a close
 * inside an error callback (an endpoint that closes the session with 1011 from {@code @OnError}) has its own span.
 */
final class WebSocketCalls implements StallwatchWebSocketListener {
  /** The close code a WebSocket container sends when a handler failed: "internal error". */
  static final int INTERNAL_ERROR = 1011;

  private final WebSocketSites sites;
  private final InFlightOperations operations;
  private final HandlerErrors errors;
  private final Tracer tracer;
  private final WebSocketInstruments metrics;
  private final OpenSessions sessions = new OpenSessions();
  private final PartialMessages partials = new PartialMessages();
  private final UpgradeLinks upgrades = new UpgradeLinks();
  private final Subprotocols subprotocols = new Subprotocols();
  /** A handler's failure on this thread not yet tied to its session (see {@link #placeFailure}). */
  private final ThreadLocal<HandlerErrors.Failure> unplaced = new ThreadLocal<>();
  private static final long PLACE_WITHIN_NANOS = 1_000_000_000L;
  private static final HandlerEvent[] EVENTS = HandlerEvent.values();
  /** The endpoint of messages sent outside any handler call (from an application thread of its own). */
  static final String OUTSIDE_HANDLERS = "(outside handlers)";
  /** Per handler event: whether an operation is a running handler call of that event (one predicate, no capture). */
  private static final List<Predicate<Operation>> SAME_EVENT = Arrays.stream(HandlerEvent.values())
      .<Predicate<Operation>>map(event -> op -> op.key() instanceof WebSocketSite running
          && running.method.event() == event)
      .toList();
  private static final MessageAttributes OUTSIDE_HANDLERS_MESSAGES = new MessageAttributes(
      Attributes.of(TelemetryNames.WEBSOCKET_ENDPOINT, OUTSIDE_HANDLERS), TelemetryNames.WEBSOCKET_MESSAGE_TYPE);

  WebSocketCalls(WebSocketSites sites, InFlightOperations operations, HandlerErrors errors, Tracer tracer,
      WebSocketInstruments metrics) {
    this.sites = sites;
    this.operations = operations;
    this.errors = errors;
    this.tracer = tracer;
    this.metrics = metrics;
  }

  /** Sessions whose STOMP client sent DISCONNECT: their close with 1002 is no error. */
  private volatile StompDisconnects stompDisconnects;

  void stompDisconnects(StompDisconnects disconnects) {
    stompDisconnects = disconnects;
  }

  @Override
  public Object begin(int siteId, Object self, Object[] arguments) {
    WebSocketSite site = sites.get(siteId);
    return site == null ? null : begin(site, self, arguments);
  }

  /**
   * A message handed to a handler whose class is not instrumented (a lambda), seen at the container's call: named
   * for the class it is written in, as a nested handler class is.
   */
  @Override
  public Object received(Object handler, Object message, boolean partial, boolean last) {
    WebSocketSite[] endpointSites = sites.containerSide(lambdaEndpoint(handler.getClass().getName()));
    WebSocketSite site = endpointSites[partial ? WebSocketSites.PARTIAL_MESSAGE : HandlerEvent.MESSAGE.ordinal()];
    return begin(site, handler, partial ? new Object[] {message, last} : new Object[] {message});
  }

  /** {@code com.acme.ChatEndpoint} for {@code com.acme.ChatEndpoint$$Lambda/0x...} (or {@code $$Lambda$17/0x...}). */
  static String lambdaEndpoint(String hiddenClassName) {
    int lambda = hiddenClassName.indexOf("$$Lambda");
    if (lambda > 0) {
      return hiddenClassName.substring(0, lambda);
    }
    int slash = hiddenClassName.indexOf('/');
    return slash > 0 ? hiddenClassName.substring(0, slash) : hiddenClassName;
  }

  private Object begin(WebSocketSite site, Object self, Object[] arguments) {
    HandlerMethod method = site.method;
    InFlightOperations.PerThread thread = operations.currentThread();
    if (thread.busy() || thread.anyRunning(SAME_EVENT.get(method.event().ordinal()))) {
      return null;
    }
    thread.busy(true);
    try {
      if (method.partial() && self != null) {
        return beginPart(thread, site, self, arguments);
      }
      Context parent = Context.current();
      Span span = start(site, parent, method.event() == HandlerEvent.MESSAGE
          ? upgrades.forMessage(StallwatchWebSockets.delivering()) : null);
      boolean recording = span.isRecording();
      switch (method.event()) {
        case OPEN -> {
          metrics.activeSessions.add(1, site.endpointAttributes);
          metrics.openedSessions.add(1, site.endpointAttributes);
        }
        case MESSAGE -> {
          Object message = site.argument(arguments, method.message());
          String type = WebSocketObjects.type(message, method.messageType());
          long size = WebSocketObjects.size(message);
          Attributes attributes = site.messageAttributes.of(type);
          metrics.receivedMessages.add(1, attributes);
          if (size >= 0) {
            metrics.receivedSizes.record(size, attributes);
          }
          if (recording) {
            span.setAttribute(TelemetryNames.WEBSOCKET_MESSAGE_TYPE, type);
            if (size >= 0) {
              span.setAttribute(TelemetryNames.WEBSOCKET_MESSAGE_SIZE, size);
            }
          }
        }
        case CLOSE -> {
          metrics.activeSessions.add(-1, site.endpointAttributes);
          closed(site, span, site.argument(arguments, method.close()), null, false);
        }
        case ERROR -> {
          if (site.argument(arguments, method.error()) instanceof Throwable t) {
            handed(site, span, t, null);
          }
        }
      }
      return track(thread, site, span, parent);
    } finally {
      thread.busy(false);
    }
  }

  /** A part of a message: the message's span is started by its first part and ended by its last. */
  private Object beginPart(InFlightOperations.PerThread thread, WebSocketSite site, Object self,
      Object[] arguments) {
    HandlerMethod method = site.method;
    boolean last = site.argument(arguments, method.last()) instanceof Boolean flag && flag;
    Object part = site.argument(arguments, method.message());
    Context parent = Context.current();
    PartialMessages.Message message = partials.current(self);
    if (message == null) {
      Span span = start(site, parent, upgrades.forMessage(StallwatchWebSockets.delivering()));
      String type = WebSocketObjects.type(part, method.messageType());
      metrics.receivedMessages.add(1, site.messageAttributes.of(type));
      if (span.isRecording()) {
        span.setAttribute(TelemetryNames.WEBSOCKET_MESSAGE_TYPE, type);
      }
      message = new PartialMessages.Message(span, type);
      if (!last) {
        partials.started(self, message);
      }
    }
    message.parts++;
    long size = WebSocketObjects.size(part);
    if (size >= 0) {
      message.size += size;
    } else {
      message.sizeKnown = false;
    }
    Operation op = operations.begin(thread, WebSockets.KIND, site.operationName, site, site.thresholdNanos,
        message.span, site.details);
    @SuppressWarnings("MustBeClosedChecker") // closed by end(), as for a whole message
    Scope scope = parent.with(message.span).makeCurrent();
    op.attach(new PartialMessages.Part(scope, message, last));
    return op;
  }

  /** The last part was handled (or the handler threw): the message's span ends, with its size and parts. */
  private void finishMessage(WebSocketSite site, PartialMessages.Message message) {
    partials.finished(message);
    if (message.sizeKnown) {
      metrics.receivedSizes.record(message.size, site.messageAttributes.of(message.type));
    }
    if (message.span.isRecording()) {
      if (message.sizeKnown) {
        message.span.setAttribute(TelemetryNames.WEBSOCKET_MESSAGE_SIZE, message.size);
      }
      message.span.setAttribute(TelemetryNames.WEBSOCKET_MESSAGE_PARTS, message.parts);
    }
    message.span.end();
  }

  /**
   * The container tells the endpoint that a session opened, closed or failed ({@link LifecycleHooks}): the session
   * is counted from here, whatever handler methods the endpoint declares, and named once at its opening.
   */
  @Override
  public Object lifecycle(int kind, Object self, Object first, Object second) {
    if (kind == LifecycleHooks.HANDSHAKE) {
      upgrades.handshake(first);
      return null;
    }
    if (kind == LifecycleHooks.HANDLER_ADDED) {
      upgrades.handlerAdded(self, first, second);
      return null;
    }
    boolean jetty = kind >= LifecycleHooks.JETTY;
    HandlerEvent event = EVENTS[kind & 3];
    Object key = jetty ? self : first;
    Object argument = jetty ? first : second;
    if (key == null || event == HandlerEvent.MESSAGE) {
      return null;
    }
    InFlightOperations.PerThread thread = operations.currentThread();
    if (thread.busy() || thread.anyRunning(SAME_EVENT.get(event.ordinal()))) {
      return null; // the same event seen from an outer hook already (Jetty's frame handler around an Endpoint)
    }
    thread.busy(true);
    try {
      OpenSessions.Session session = switch (event) {
        case OPEN -> sessions.opened(key, sites.containerSide(ApplicationEndpoints.name(self)));
        case CLOSE -> sessions.closed(key);
        default -> sessions.get(key);
      };
      WebSocketSite site;
      if (session != null) {
        site = session.sites[event.ordinal()];
      } else {
        // A second open or close of a session (or one whose opening was not seen): nothing to count, but the
        // application's own callback inside must not count it either. An error after the close (Tomcat hands the
        // closed channel to onError) is still traced, as the error it is.
        site = sites.containerSide(ApplicationEndpoints.name(self))[event.ordinal()];
        if (event != HandlerEvent.ERROR) {
          return operations.begin(thread, WebSockets.KIND, site.operationName, site, site.thresholdNanos,
              Span.getInvalid(), site.details);
        }
      }
      HandlerErrors.Failure unplacedFailure = placeFailure(session);
      Context parent = Context.current();
      if (event == HandlerEvent.OPEN && !Span.fromContext(parent).getSpanContext().isValid()) {
        Context upgrade = upgrades.upgrade(argument); // the session's per-session endpoint config
        parent = upgrade != null ? upgrade : parent;
      }
      Span span = start(site, parent, null);
      switch (event) {
        case OPEN -> {
          session.subprotocol = Subprotocols.of(first);
          upgrades.opened(key, span);
          Attributes attributes = subprotocols.with(site.endpointAttributes, session.subprotocol);
          if (session.counted) {
            metrics.activeSessions.add(1, attributes);
          }
          metrics.openedSessions.add(1, attributes);
          if (session.subprotocol != null && span.isRecording()) {
            span.setAttribute(TelemetryNames.WEBSOCKET_SUBPROTOCOL, session.subprotocol);
          }
        }
        case CLOSE -> {
          upgrades.closed(key);
          if (session.counted) {
            metrics.activeSessions.add(-1, subprotocols.with(site.endpointAttributes, session.subprotocol));
          }
          boolean fromErrorCallback = thread.anyRunning(SAME_EVENT.get(HandlerEvent.ERROR.ordinal()));
          StompDisconnects disconnects = stompDisconnects;
          closed(site, span, argument, session, fromErrorCallback, disconnects != null && disconnects.closed(self));
        }
        default -> {
          if (argument instanceof Throwable t) {
            if (unplacedFailure != null && unplacedFailure.error == rootCause(t)) {
              recordOnSpan(span, unplacedFailure.error); // the handler's own failure, already queued
              metrics.handlerErrors.add(1, site.errorAttributes(unplacedFailure.error.getClass()));
            } else {
              handed(site, span, t, session);
            }
          }
        }
      }
      return track(thread, site, span, parent);
    } finally {
      thread.busy(false);
    }
  }

  /**
   * Ties the last failure of a handler on this thread, if any and recent, to the session the container now names
   * (containers call the error callback, or close the session, on the thread whose handler failed).
   */
  private HandlerErrors.Failure placeFailure(OpenSessions.Session session) {
    HandlerErrors.Failure failure = unplaced.get();
    if (failure == null) {
      return null;
    }
    unplaced.remove();
    if (System.nanoTime() - failure.startNanos > PLACE_WITHIN_NANOS) {
      return null;
    }
    if (failure.session == null) {
      failure.session = session;
    }
    return failure;
  }

  /**
   * A span started for a handler call. Attributes go on the started span, and only when it records: a span the
   * sampler dropped costs no attribute map. Samplers decide on the name (which holds the event and endpoint), kind
   * and parent.
   */
  private Span start(WebSocketSite site, Context parent, SpanContext link) {
    SpanBuilder builder = tracer.spanBuilder(site.spanName).setParent(parent).setSpanKind(site.spanKind);
    if (link != null) {
      builder.addLink(link); // the session's open span (UpgradeLinks)
    }
    Span span = builder.startSpan();
    if (span.isRecording()) {
      span.setAllAttributes(site.spanAttributes);
      span.setAttribute(TelemetryNames.THREAD_NAME, Thread.currentThread().getName());
    }
    return span;
  }

  private Operation track(InFlightOperations.PerThread thread, WebSocketSite site, Span span, Context parent) {
    Operation op = operations.begin(thread, WebSockets.KIND, site.operationName, site, site.thresholdNanos, span,
        site.details);
    // Left open on purpose: the span stays current while the handler runs, and end() closes the scope it finds here.
    @SuppressWarnings("MustBeClosedChecker")
    Scope scope = parent.with(span).makeCurrent();
    op.attach(scope);
    return op;
  }

  /** A close: counted by its code, which goes on the span with its reason, and remembered on the session. */
  private void closed(WebSocketSite site, Span span, Object reason, OpenSessions.Session session,
      boolean fromErrorCallback) {
    closed(site, span, reason, session, fromErrorCallback, false);
  }

  private void closed(WebSocketSite site, Span span, Object reason, OpenSessions.Session session,
      boolean fromErrorCallback, boolean stompClientDisconnected) {
    int closeCode = WebSocketObjects.closeCode(reason);
    String subprotocol = session == null ? null : session.subprotocol;
    metrics.closedSessions.add(1, subprotocols.with(site.closedAttributes(closeCode), subprotocol));
    String phrase = WebSocketObjects.closeReason(reason);
    if (session != null) {
      session.closed(closeCode, phrase, fromErrorCallback);
    }
    if (span.isRecording()) {
      if (subprotocol != null) {
        span.setAttribute(TelemetryNames.WEBSOCKET_SUBPROTOCOL, subprotocol);
      }
      if (closeCode >= 0) {
        span.setAttribute(TelemetryNames.WEBSOCKET_CLOSE_CODE, (long) closeCode);
      }
      if (phrase != null) {
        span.setAttribute(TelemetryNames.WEBSOCKET_CLOSE_REASON, phrase);
      }
      if (isErrorClose(closeCode) && !(stompClientDisconnected && closeCode == StompDisconnects.PROTOCOL_ERROR)) {
        span.setStatus(StatusCode.ERROR, closeCode == INTERNAL_ERROR ? "closed with 1011 (internal error)"
            : "closed with " + closeCode);
      }
    }
  }

  /**
   * An error handed to an error callback: a peer going away is counted and put on the span, without an error
   * status or a detection (its session ends in 1006, on the close span); anything else is a failure.
   */
  private void handed(WebSocketSite site, Span span, Throwable error, OpenSessions.Session session) {
    if (PeerGone.is(error)) {
      metrics.handlerErrors.add(1, site.errorAttributes(error.getClass()));
      if (span.isRecording()) {
        span.setAttribute(TelemetryNames.ERROR_TYPE, error.getClass().getName());
        span.setAttribute(TelemetryNames.WEBSOCKET_PEER_GONE, true);
      }
      return;
    }
    failed(site, span, rootCause(error), false, session);
  }

  @Override
  public void end(Object token, Throwable thrown, Object returned) {
    if (!(token instanceof Operation op)) {
      return;
    }
    long now = System.nanoTime();
    InFlightOperations.PerThread thread = op.owner(); // begun on this thread: no second thread-local lookup
    thread.busy(true);
    try {
      PartialMessages.Part part = op.attachment() instanceof PartialMessages.Part p ? p : null;
      if ((part != null ? part.scope() : op.attachment()) instanceof Scope scope) {
        scope.close();
      }
      WebSocketSite site = (WebSocketSite) op.key();
      Span span = op.span();
      if (span == Span.getInvalid()) { // only kept the application's callback inside from counting again
        operations.end(op, now);
        return;
      }
      Attributes attributes = site.handlerAttributes;
      if (thrown != null) {
        HandlerErrors.Failure failure = failed(site, span, thrown, true, null);
        if (failure != null && site.applicationMethod) {
          unplaced.set(failure); // the container's error callback or close on this thread will name its session
        }
        attributes = site.errorAttributes(thrown.getClass());
      }
      if (returned != null && thrown == null && site.method.event() == HandlerEvent.MESSAGE
          && (part == null || part.last())) {
        countSent(site.messageAttributes, returned); // the container sends it as the reply
      }
      operations.end(op, now);
      if (part == null) {
        span.end();
      } else if (part.last() || thrown != null) {
        finishMessage(site, part.message());
      }
      metrics.durations.record((now - op.startNanos()) / 1e9, attributes);
    } finally {
      thread.busy(false);
    }
  }

  @Override
  public void sent(Object message) {
    InFlightOperations.PerThread thread = operations.currentThread();
    if (thread.busy()) {
      return;
    }
    Operation handler = thread.innermost(op -> op.key() instanceof WebSocketSite);
    if (handler != null) {
      WebSocketSite site = (WebSocketSite) handler.key();
      countSent(site.messageAttributes, message);
    } else {
      countSent(OUTSIDE_HANDLERS_MESSAGES, message);
    }
  }

  @Override
  public void sentStream(boolean text) {
    InFlightOperations.PerThread thread = operations.currentThread();
    if (thread.busy()) {
      return;
    }
    Operation handler = thread.innermost(op -> op.key() instanceof WebSocketSite);
    MessageAttributes endpoint = handler != null ? ((WebSocketSite) handler.key()).messageAttributes
        : OUTSIDE_HANDLERS_MESSAGES;
    metrics.sentMessages.add(1, endpoint.of(text ? "text" : "binary")); // its size is not known when it is opened
  }

  private void countSent(MessageAttributes endpoint, Object message) {
    long size = WebSocketObjects.size(message);
    Attributes attributes = endpoint.of(WebSocketObjects.type(message, null));
    metrics.sentMessages.add(1, attributes);
    if (size >= 0) {
      metrics.sentSizes.record(size, attributes);
    }
  }

  /**
   * A close that ended the session because something went wrong: any code but normal closure (1000), going away
   * (1001), no status given (1005) and abnormal closure (1006: the peer dropped the connection, as a closed browser
   * tab does; counted by its code, not an error of the service). 1011 is the usual one, from a handler that threw.
   */
  static boolean isErrorClose(int code) {
    return code > 0 && code != 1000 && code != 1001 && code != 1005 && code != 1006;
  }

  /**
   * What an error callback is really about: containers wrap the handler's exception (Jetty hands over a
   * {@code CloseException} whose cause is what the handler threw), and the handler's own type is what the operator
   * knows and what was already reported when it was thrown.
   */
  static Throwable rootCause(Throwable error) {
    Throwable root = error;
    for (int depth = 0; root.getCause() != null && root.getCause() != root && depth < 20; depth++) {
      root = root.getCause();
    }
    return root;
  }

  private HandlerErrors.Failure failed(WebSocketSite site, Span span, Throwable error, boolean thrownByHandler,
      OpenSessions.Session session) {
    recordOnSpan(span, error);
    metrics.handlerErrors.add(1, site.errorAttributes(error.getClass()));
    return errors.failed(site, error, thrownByHandler, span, session);
  }

  private static void recordOnSpan(Span span, Throwable error) {
    if (span.isRecording()) {
      span.recordException(error);
      span.setStatus(StatusCode.ERROR, error.getClass().getName());
      span.setAttribute(TelemetryNames.ERROR_TYPE, error.getClass().getName());
    }
  }
}
