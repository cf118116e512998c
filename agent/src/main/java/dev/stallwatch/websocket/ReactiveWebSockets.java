package dev.stallwatch.websocket;

import dev.stallwatch.bootstrap.StallwatchReactiveWebSocketListener;
import dev.stallwatch.runaway.InFlightOperations;
import dev.stallwatch.runaway.Operation;
import dev.stallwatch.telemetry.TelemetryNames;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Spring WebFlux's reactive {@code WebSocketHandler} on Reactor Netty, behind {@code StallwatchReactiveWebSockets}:
 * <ul>
 *   <li><b>The session</b>: a span ({@code websocket session <endpoint>}) from the moment the handler's
 *       {@code handle(session)} returned its {@code Mono<Void>} until both that {@code Mono} has terminated and the
 *       connection's close status is known ({@code WebSocketSession.closeStatus()}, Spring 5.3+); the close code and
 *       reason go on it, and the session metrics count it as for the other containers. The endpoint is the
 *       handler's class (a lambda is named for the class it is written in; Spring's {@code ContextWebSocketHandler} is
 *       looked through).
 *   <li><b>Errors</b>: the handler's {@code Mono} gets Reactor's own {@code doOnError} and {@code doFinally} after it
 *       (side effects only: context, demand and cancellation pass through unchanged, and nothing is subscribed to
 *       twice). An error ends in one {@code websocket_error} detection once the close code is known, and the
 *       session span's status is an error. A peer that went away (reset, broken pipe, Reactor Netty's
 *       {@code AbortedException}) is counted and marked, never a detection; a client that closes is no error at all.
 *   <li><b>Inbound messages, and the runaway watch</b>: the message operation is Reactor Netty's synchronous delivery
 *       of one frame on the event loop ({@code WebsocketServerOperations.onInboundNext}), which runs the session's
 *       inbound {@code Flux} and every operator of the application's that the frame reaches synchronously (a
 *       {@code map}, a {@code doOnNext}, the synchronous part of a {@code flatMap}'s inner publisher) until
 *       {@code onNext} returns. It has a span of its own (linked to the session's, current while it runs), is counted
 *       and sized, and is registered with the runaway watchdog: an operator that blocks the event loop past
 *       {@code stallwatch.runaway.threshold} is reported with the event loop's live stack while it still blocks. Work
 *       handed off (a {@code flatMap} to a {@code Mono} that completes later, {@code publishOn}) is not part of the
 *       message's time, and a frame queued because the application had not requested it is delivered later outside
 *       this operation (untimed, still counted).
 *   <li><b>Outbound messages</b>: counted and sized where Spring turns each {@code WebSocketMessage} into a frame.
 *   <li><b>Sessions already open at a late attach</b>: their handler ran before the attach, so there is no session
 *       span, no session count ({@code websocket.sessions.*} count only what they saw open) and no error watch of
 *       their {@code Mono}; from their next frame in, their messages are traced, counted and watched as above, each
 *       message span without a session link. Neither Spring's session nor Reactor Netty's connection knows its
 *       handler, so such a session is named for the path it was opened on ({@code /echo}; at most
 *       {@link #MAX_LATE_ENDPOINTS} paths, the rest as {@link #LATE_OTHER}); it is forgotten when Reactor Netty says
 *       the connection closed ({@code receiveCloseStatus()}).
 * </ul>
 * Every Spring, Reactor and Netty object is reached by reflection through public API types resolved in the
 * session's own class loader ({@link ReactiveApi}): the agent's loader never sees them, and nothing is defined into the
 * application's loader.
 */
final class ReactiveWebSockets implements StallwatchReactiveWebSocketListener {
  /** The event of a reactive session's span ({@code websocket.event}), from its handler's start to its close. */
  static final String SESSION_EVENT = "session";
  private static final int MAX_TRACKED = 200_000;
  private static final String CONTEXT_HANDLER = "org.springframework.web.reactive.socket.adapter.ContextWebSocketHandler";
  private static final String SERVER_OPERATIONS = "reactor.netty.http.server.WebsocketServerOperations";
  /** Distinct paths that name sessions open before a late attach; past that, {@link #LATE_OTHER}. */
  static final int MAX_LATE_ENDPOINTS = 100;
  static final String LATE_OTHER = "(WebFlux session opened before the attach)";

  private final WebSocketSites sites;
  private final InFlightOperations operations;
  private final HandlerErrors errors;
  private final Tracer tracer;
  private final WebSocketInstruments metrics;
  /** Loaded into a running JVM: a connection not seen opening is a session opened before the attach. */
  private final boolean attachedLate;
  /** Sessions opened before the attach and still open (so that an unknown session's send is looked up at all). */
  private final AtomicInteger lateOpen = new AtomicInteger();
  private final Map<String, String> lateEndpoints = new ConcurrentHashMap<>();
  /** Open sessions by Reactor Netty's connection (the inbound side, also {@code this} of {@code onInboundNext}). */
  private final Map<IdentityKey, Session> byConnection = new ConcurrentHashMap<>();
  /** The same sessions by Spring's session object, for the outbound side. */
  private final Map<IdentityKey, Session> bySession = new ConcurrentHashMap<>();
  private final ClassValue<ReactiveApi> apis = new ClassValue<>() {
    @Override
    protected ReactiveApi computeValue(Class<?> sessionClass) {
      return ReactiveApi.of(sessionClass.getClassLoader());
    }
  };

  ReactiveWebSockets(WebSocketSites sites, InFlightOperations operations, HandlerErrors errors, Tracer tracer,
      WebSocketInstruments metrics, boolean attachedLate) {
    this.attachedLate = attachedLate;
    this.sites = sites;
    this.operations = operations;
    this.errors = errors;
    this.tracer = tracer;
    this.metrics = metrics;
  }

  @Override
  public Object handled(Object handler, Object springSession, Object mono) {
    if (handler == null || springSession == null || byConnection.size() >= MAX_TRACKED) {
      return mono;
    }
    ReactiveApi api = apis.get(springSession.getClass());
    if (api == null) {
      return mono;
    }
    Object connection = api.connection(springSession);
    if (connection == null) {
      return mono;
    }
    String endpoint = WebSocketCalls.lambdaEndpoint(applicationHandler(handler).getClass().getName());
    WebSocketSite[] endpointSites = sites.containerSide(endpoint);
    WebSocketSite sessionSite = endpointSites[HandlerEvent.OPEN.ordinal()];
    Span span = tracer.spanBuilder(TelemetryNames.webSocketSpanName(SESSION_EVENT, endpoint))
        .setParent(Context.current()).setSpanKind(SpanKind.INTERNAL).startSpan();
    if (span.isRecording()) {
      span.setAttribute(TelemetryNames.WEBSOCKET_ENDPOINT, endpoint);
      span.setAttribute(TelemetryNames.WEBSOCKET_EVENT, SESSION_EVENT);
      span.setAttribute(TelemetryNames.OPERATION_KIND, WebSockets.KIND);
      span.setAttribute(TelemetryNames.NETWORK_PROTOCOL_NAME, TelemetryNames.WEBSOCKET_PROTOCOL);
      span.setAttribute(TelemetryNames.THREAD_NAME, Thread.currentThread().getName());
    }
    Session session =
        new Session(api, endpoint, endpointSites, handlerSite(endpoint), span, connection, springSession);
    metrics.activeSessions.add(1, sessionSite.endpointAttributes);
    metrics.openedSessions.add(1, sessionSite.endpointAttributes);
    byConnection.put(new IdentityKey(connection), session);
    bySession.put(new IdentityKey(springSession), session);
    Object decorated;
    try {
      decorated = api.afterHandler(mono, session::handlerFailed, signal -> session.done());
    } catch (Throwable t) {
      session.done(); // not watched: the session ends with its close alone
      decorated = mono;
    }
    if (!api.onClose(springSession, session, ABNORMAL_CLOSURE)) {
      session.closed(null); // no close status to wait for (before Spring 5.3): the handler's end closes the span
    }
    return decorated;
  }

  /** The handler whose class names the endpoint: Spring's context decorator is looked through. */
  private static Object applicationHandler(Object handler) {
    Object current = handler;
    for (int depth = 0; depth < 4 && current != null && current.getClass().getName().equals(CONTEXT_HANDLER);
        depth++) {
      Object delegate = ReactiveApi.field(current, "delegate");
      if (delegate == null) {
        break;
      }
      current = delegate;
    }
    return current;
  }

  private final Map<String, WebSocketSite> handlerSites = new ConcurrentHashMap<>();

  /** The site a failed pipeline is reported for: the handler's {@code handle}, whose {@code Mono} failed. */
  private WebSocketSite handlerSite(String endpoint) {
    WebSocketSite cached = handlerSites.get(endpoint);
    if (cached != null) {
      return cached;
    }
    HandlerMethod handle = new HandlerMethod("handle", "", HandlerEvent.MESSAGE, 0, -1, -1, -1, null, -1);
    WebSocketSite made = new WebSocketSite(endpoint, endpoint, handle,
        sites.containerSide(endpoint)[HandlerEvent.MESSAGE.ordinal()].thresholdNanos);
    if (handlerSites.size() < 10_000) {
      handlerSites.putIfAbsent(endpoint, made);
    }
    return made;
  }

  @Override
  public Object inbound(Object connection, Object frame) {
    if (connection == null || frame == null) {
      return null;
    }
    Session session = byConnection.get(new IdentityKey(connection));
    if (session == null && !attachedLate) {
      return null;
    }
    String type = frameType(frame.getClass().getSimpleName());
    if (type == null) {
      return null; // a close frame (or a ping Reactor Netty answers itself): not a message
    }
    if (session == null && (session = lateSession(connection)) == null) {
      return null;
    }
    InFlightOperations.PerThread thread = operations.currentThread();
    if (thread.busy()) {
      return null;
    }
    thread.busy(true);
    try {
      WebSocketSite site = session.sites[HandlerEvent.MESSAGE.ordinal()];
      long size = session.api.frameSize(frame);
      boolean whole = !type.equals(CONTINUATION);
      if (whole) {
        Attributes attributes = site.messageAttributes.of(type);
        metrics.receivedMessages.add(1, attributes);
        if (size >= 0) {
          metrics.receivedSizes.record(size, attributes);
        }
      }
      Context parent = Context.current();
      SpanBuilder builder = tracer.spanBuilder(site.spanName).setParent(parent).setSpanKind(SpanKind.CONSUMER);
      if (session.span != null) {
        builder.addLink(session.span.getSpanContext());
      }
      Span span = builder.startSpan();
      if (span.isRecording()) {
        span.setAllAttributes(site.spanAttributes);
        span.setAttribute(TelemetryNames.THREAD_NAME, Thread.currentThread().getName());
        span.setAttribute(TelemetryNames.WEBSOCKET_MESSAGE_TYPE, type);
        if (size >= 0) {
          span.setAttribute(TelemetryNames.WEBSOCKET_MESSAGE_SIZE, size);
        }
      }
      Operation op = operations.begin(thread, WebSockets.KIND, session.messageOperation, site, site.thresholdNanos,
          span, site.details);
      @SuppressWarnings("MustBeClosedChecker") // closed by inboundDone, on this thread
      Scope scope = parent.with(span).makeCurrent();
      op.attach(scope);
      return op;
    } finally {
      thread.busy(false);
    }
  }

  @Override
  public void inboundDone(Object token, Throwable thrown) {
    if (!(token instanceof Operation op)) {
      return;
    }
    long now = System.nanoTime();
    InFlightOperations.PerThread thread = op.owner();
    thread.busy(true);
    try {
      if (op.attachment() instanceof Scope scope) {
        scope.close();
      }
      WebSocketSite site = (WebSocketSite) op.key();
      Span span = op.span();
      Attributes attributes = site.handlerAttributes;
      if (thrown != null) { // Reactor catches what operators throw; this is Reactor Netty's own failure
        recordOnSpan(span, thrown);
        attributes = site.errorAttributes(thrown.getClass());
      }
      operations.end(op, now);
      span.end();
      metrics.durations.record((now - op.startNanos()) / 1e9, attributes);
    } finally {
      thread.busy(false);
    }
  }

  @Override
  public void sent(Object springSession, Object message) {
    if (springSession == null || message == null) {
      return;
    }
    Session session = bySession.get(new IdentityKey(springSession));
    if (session == null && lateOpen.get() > 0) {
      session = lateSessionOf(springSession);
    }
    if (session == null) {
      return; // a client's session, or one opened before the agent that has not received since
    }
    String type = session.api.messageType(message);
    long size = session.api.messageSize(message);
    Attributes attributes = session.sites[HandlerEvent.MESSAGE.ordinal()].messageAttributes
        .of(type == null ? "object" : type);
    metrics.sentMessages.add(1, attributes);
    if (size >= 0) {
      metrics.sentSizes.record(size, attributes);
    }
  }

  /**
   * A server connection that the handler's start was not seen for, met at its first frame after a late attach: a
   * session without span or count, forgotten at its close; null when it cannot be watched for its close (it would
   * never be forgotten) or too many are open.
   */
  private Session lateSession(Object connection) {
    if (byConnection.size() >= MAX_TRACKED || !connection.getClass().getName().equals(SERVER_OPERATIONS)) {
      return null;
    }
    ReactiveApi api = apis.get(connection.getClass());
    if (api == null) {
      return null;
    }
    String endpoint = lateEndpoint(api.path(connection));
    WebSocketSite[] endpointSites = sites.containerSide(endpoint);
    Session session = new Session(api, endpoint, endpointSites, null, null, connection, null);
    Session raced = byConnection.putIfAbsent(new IdentityKey(connection), session);
    if (raced != null) {
      return raced;
    }
    lateOpen.incrementAndGet();
    if (!api.onConnectionClose(connection, session::lateClosed)) {
      session.lateClosed();
      return null;
    }
    return session.closeSeen.get() ? null : session;
  }

  /** The session opened before the attach behind a Spring session that sends, if its connection has received. */
  private Session lateSessionOf(Object springSession) {
    ReactiveApi api = apis.get(springSession.getClass());
    Object connection = api == null ? null : api.connection(springSession);
    Session session = connection == null ? null : byConnection.get(new IdentityKey(connection));
    return session != null && session.span == null ? session : null;
  }

  private String lateEndpoint(String path) {
    if (path == null || path.isEmpty()) {
      return LATE_OTHER;
    }
    String known = lateEndpoints.get(path);
    if (known != null) {
      return known;
    }
    if (lateEndpoints.size() >= MAX_LATE_ENDPOINTS) {
      return LATE_OTHER;
    }
    String raced = lateEndpoints.putIfAbsent(path, path);
    return raced != null ? raced : path;
  }

  static final String CONTINUATION = "continuation";
  /** The close code of a connection that ended without a close frame (RFC 6455: abnormal closure). */
  static final Integer ABNORMAL_CLOSURE = 1006;

  /** The message type of a Netty frame class, or null for what is not a message (a close frame). */
  static String frameType(String simpleName) {
    return switch (simpleName) {
      case "TextWebSocketFrame" -> "text";
      case "BinaryWebSocketFrame" -> "binary";
      case "PongWebSocketFrame" -> "pong";
      case "PingWebSocketFrame" -> "ping";
      case "ContinuationWebSocketFrame" -> CONTINUATION;
      default -> null;
    };
  }

  /** Reactor Netty's "connection has been closed" before a send, anywhere in the causes, or what {@link PeerGone} says. */
  static boolean peerGone(Throwable error) {
    Throwable t = error;
    for (int depth = 0; t != null && depth < 20; depth++) {
      if (t.getClass().getName().equals("reactor.netty.channel.AbortedException")) {
        return true;
      }
      t = t.getCause() == t ? null : t.getCause();
    }
    return PeerGone.is(error);
  }

  private static void recordOnSpan(Span span, Throwable error) {
    if (span.isRecording()) {
      span.recordException(error);
      span.setStatus(StatusCode.ERROR, error.getClass().getName());
      span.setAttribute(TelemetryNames.ERROR_TYPE, error.getClass().getName());
    }
  }

  /**
   * One reactive session: ends when both its handler's {@code Mono} has terminated and its close status is known
   * (in either order, on whichever thread comes second).
   */
  final class Session implements Consumer<Object> {
    final ReactiveApi api;
    final WebSocketSite[] sites;
    /** Null for a session opened before a late attach, as is {@link #span}. */
    final WebSocketSite handlerSite;
    final Span span;
    final Object connection;
    final Object springSession;
    /** For the {@code websocket_error} report: what became of the session. */
    final OpenSessions.Session state;
    final String messageOperation;
    private final AtomicInteger pending = new AtomicInteger(2);
    private final AtomicBoolean closeSeen = new AtomicBoolean();
    /** Written before the count that {@link #done} reads it after. */
    private int closeCode = -1;

    Session(ReactiveApi api, String endpoint, WebSocketSite[] sites, WebSocketSite handlerSite, Span span,
        Object connection, Object springSession) {
      this.api = api;
      this.sites = sites;
      this.handlerSite = handlerSite;
      this.span = span;
      this.connection = connection;
      this.springSession = springSession;
      state = new OpenSessions.Session(sites, true);
      messageOperation = "message of " + endpoint + " (WebFlux, on the Reactor Netty event loop)";
    }

    /** The handler's {@code Mono} failed: reported once (Reactor signals an error once per subscription). */
    void handlerFailed(Throwable error) {
      if (error == null) {
        return;
      }
      if (peerGone(error)) {
        metrics.handlerErrors.add(1, handlerSite.errorAttributes(error.getClass()));
        if (span.isRecording()) {
          span.setAttribute(TelemetryNames.ERROR_TYPE, error.getClass().getName());
          span.setAttribute(TelemetryNames.WEBSOCKET_PEER_GONE, true);
        }
        return;
      }
      recordOnSpan(span, error);
      metrics.handlerErrors.add(1, handlerSite.errorAttributes(error.getClass()));
      errors.failed(handlerSite, error, true, span, state);
    }

    /**
     * The close status: a Spring {@code CloseStatus}, {@link #ABNORMAL_CLOSURE} when the connection closed without
     * one, null when it cannot be known (a Spring without {@code closeStatus()}).
     */
    @Override
    public void accept(Object status) {
      closed(status);
    }

    void closed(Object status) {
      if (!closeSeen.compareAndSet(false, true)) {
        return;
      }
      int code = status == null ? -1 : api.closeCode(status);
      String reason = status == null || status instanceof Integer ? null : api.closeReason(status);
      closeCode = code;
      if (span.isRecording()) {
        if (code >= 0) {
          span.setAttribute(TelemetryNames.WEBSOCKET_CLOSE_CODE, (long) code);
        }
        if (reason != null && !reason.isEmpty()) {
          span.setAttribute(TelemetryNames.WEBSOCKET_CLOSE_REASON, reason);
        }
        if (WebSocketCalls.isErrorClose(code)) {
          span.setStatus(StatusCode.ERROR, code == WebSocketCalls.INTERNAL_ERROR
              ? "closed with 1011 (internal error)" : "closed with " + code);
        }
      }
      state.closed(code, reason == null || reason.isEmpty() ? null : reason, false);
      done();
    }

    /** A session opened before the attach closed: forgotten, and nothing else (it was never counted). */
    void lateClosed() {
      if (closeSeen.compareAndSet(false, true)) {
        byConnection.remove(new IdentityKey(connection), this);
        lateOpen.decrementAndGet();
      }
    }

    void done() {
      if (pending.decrementAndGet() != 0) {
        return;
      }
      byConnection.remove(new IdentityKey(connection));
      bySession.remove(new IdentityKey(springSession));
      metrics.activeSessions.add(-1, sites[HandlerEvent.OPEN.ordinal()].endpointAttributes);
      metrics.closedSessions.add(1, sites[HandlerEvent.CLOSE.ordinal()].closedAttributes(closeCode));
      span.end();
    }
  }

  /** Lower-case type name of a Spring {@code WebSocketMessage.Type} ({@code TEXT} -> {@code text}). */
  static String typeName(Object type) {
    return type == null ? null : type.toString().toLowerCase(Locale.ROOT);
  }
}
