package dev.stallwatch.websocket;

import dev.stallwatch.report.Detection;
import dev.stallwatch.report.DetectionKind;
import dev.stallwatch.report.Detections;
import dev.stallwatch.report.SiteRateLimiter;
import dev.stallwatch.report.Stacks;
import dev.stallwatch.telemetry.TelemetryNames;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code websocket_error} detections: a handler that threw, or an error callback handed something other than a peer
 * going away ({@link PeerGone}). The handler's thread only queues what happened (no I/O, no lock on the
 * application's thread); the watchdog reports it once it knows what became of the session — closed (with which code,
 * and whether by the endpoint's error callback), or still open {@value #OUTCOME_WAIT_MILLIS} ms later — at most once
 * per endpoint and exception type every 10 seconds, saying how many were held back. What the sentence says is what
 * stallwatch saw, not what a container is expected to do: they differ (Tomcat keeps a session open after a handler
 * threw, Jetty closes it with 1003, Spring with 1011).
 */
final class HandlerErrors implements Runnable {
  private static final int MAX_QUEUED = 1_000;
  static final long OUTCOME_WAIT_MILLIS = 1_000;

  private final Detections detections;
  private final SiteRateLimiter rateLimiter = new SiteRateLimiter(10_000);
  private final ConcurrentLinkedQueue<Failure> queue = new ConcurrentLinkedQueue<>();
  private final AtomicInteger queued = new AtomicInteger();
  /** On the watchdog only: failures whose session's fate is not known yet. */
  private final List<Failure> waiting = new ArrayList<>();

  HandlerErrors(Detections detections) {
    this.detections = detections;
  }

  /**
   * From the handler's thread: {@code error} was thrown by the handler, or handed to its error callback. Returns the
   * queued failure (to be told its session), or null when too many are queued.
   */
  Failure failed(WebSocketSite site, Throwable error, boolean thrownByHandler, Span span,
      OpenSessions.Session session) {
    if (queued.incrementAndGet() > MAX_QUEUED) {
      queued.decrementAndGet();
      return null;
    }
    Failure failure = new Failure(site, error, thrownByHandler, Thread.currentThread().getName(), span,
        System.nanoTime());
    failure.session = session;
    queue.add(failure);
    if (span.isRecording()) {
      // The detection itself waits for the session's fate, when this span has ended; the event goes on it now.
      span.addEvent(TelemetryNames.DETECTION_EVENT, Attributes.builder()
          .put(TelemetryNames.DETECTION_KIND, DetectionKind.WEBSOCKET_ERROR.wireName())
          .put(TelemetryNames.DETECTION_MESSAGE, head(site, error, thrownByHandler)
              + "; what became of the session follows in the detection's log record, in this trace")
          .put(TelemetryNames.THREAD_NAME, failure.thread)
          .put(TelemetryNames.CODE_STACKTRACE, String.join("\n", Stacks.toStrings(error.getStackTrace())))
          .build());
    }
    return failure;
  }

  /** On the watchdog. */
  @Override
  public void run() {
    Failure failure;
    while ((failure = queue.poll()) != null) {
      queued.decrementAndGet();
      waiting.add(failure);
    }
    long nowNanos = System.nanoTime();
    long now = System.currentTimeMillis();
    for (Iterator<Failure> it = waiting.iterator(); it.hasNext(); ) {
      Failure f = it.next();
      OpenSessions.Session session = f.session;
      boolean waited = nowNanos - f.startNanos >= TimeUnit.MILLISECONDS.toNanos(OUTCOME_WAIT_MILLIS);
      if ((session == null || !session.isClosed()) && !waited) {
        continue;
      }
      it.remove();
      long suppressed = rateLimiter.admit(f.site.endpoint + "|" + f.error.getClass().getName(), now);
      if (suppressed >= 0) {
        detections.report(describe(f, session, suppressed).onSpan(f.span));
      }
    }
  }

  private static Detection describe(Failure f, OpenSessions.Session session, long suppressed) {
    WebSocketSite site = f.site;
    String type = f.error.getClass().getName();
    StringBuilder message = new StringBuilder(head(site, f.error, f.thrownByHandler)).append("; ");
    String outcome = outcome(session);
    message.append(outcome).append('.');
    if (suppressed > 0) {
      message.append(" (").append(suppressed).append(" more at this endpoint were not reported)");
    }
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("endpoint", site.endpoint);
    details.put("event", site.method.event().wireName);
    details.put("handler", site.qualifiedName);
    details.put("exception", type);
    details.put("thrownByHandler", f.thrownByHandler);
    if (session != null && session.isClosed()) {
      details.put("closeCode", session.closeCode());
    }
    details.put("sessionOutcome", outcome);
    if (suppressed > 0) {
      details.put("suppressed", suppressed);
    }
    return Detection.of(DetectionKind.WEBSOCKET_ERROR, f.thread, message.toString(),
        Stacks.toStrings(f.error.getStackTrace()), details);
  }

  /** Which handler or callback of which endpoint threw or was handed what: the detection's sentence up to its outcome. */
  static String head(WebSocketSite site, Throwable error, boolean thrownByHandler) {
    StringBuilder head = new StringBuilder("WebSocket ").append(site.method.event().wireName);
    if (site.applicationMethod) {
      head.append(" handler ").append(site.qualifiedName).append(" for ").append(site.endpoint);
    } else {
      head.append(" callback of ").append(site.endpoint);
    }
    return head.append(thrownByHandler ? " threw " : " was handed ").append(error.getClass().getName()).toString();
  }

  /** What became of the session, in the words of what stallwatch saw. */
  static String outcome(OpenSessions.Session session) {
    if (session == null) {
      return "stallwatch saw no error callback or close of its session on that thread, so it cannot say whether "
          + "the session stayed open";
    }
    if (!session.isClosed()) {
      return "the session stayed open (not closed within " + OUTCOME_WAIT_MILLIS + " ms)";
    }
    StringBuilder closed = new StringBuilder("the session was then closed with ").append(session.closeCode());
    if (session.closeReason() != null) {
      closed.append(" (\"").append(session.closeReason()).append("\")");
    }
    if (session.closedByErrorCallback()) {
      closed.append(" from the endpoint's error callback");
    }
    return closed.toString();
  }

  /** One failure, queued; its session is filled in when the container's next lifecycle call on its thread names it. */
  static final class Failure {
    final WebSocketSite site;
    final Throwable error;
    final boolean thrownByHandler;
    final String thread;
    final Span span;
    final long startNanos;
    volatile OpenSessions.Session session;

    Failure(WebSocketSite site, Throwable error, boolean thrownByHandler, String thread, Span span, long startNanos) {
      this.site = site;
      this.error = error;
      this.thrownByHandler = thrownByHandler;
      this.thread = thread;
      this.span = span;
      this.startNanos = startNanos;
    }
  }
}
