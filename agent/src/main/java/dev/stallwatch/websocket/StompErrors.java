package dev.stallwatch.websocket;

import dev.stallwatch.report.Detection;
import dev.stallwatch.report.DetectionKind;
import dev.stallwatch.report.Detections;
import dev.stallwatch.report.SiteRateLimiter;
import dev.stallwatch.report.Stacks;
import dev.stallwatch.telemetry.TelemetryNames;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code websocket_error} detections for STOMP: an {@code @MessageMapping} or {@code @SubscribeMapping} method that
 * threw what no {@code @MessageExceptionHandler} handles. Spring then only logs it: the session stays open and the
 * client is told nothing, so the report need not wait for a session's fate as {@link HandlerErrors} does. An exception
 * that an exception handler takes is the application's own decision, counted and on the span but not reported. The
 * handler's thread only queues; the watchdog reports, at most once per destination and exception type every 10 s.
 */
final class StompErrors implements Runnable {
  private static final int MAX_QUEUED = 1_000;
  static final String OUTCOME = "no @MessageExceptionHandler handled it, so Spring only logged it; the session stays "
      + "open and the client was not told";

  private final Detections detections;
  private final SiteRateLimiter rateLimiter = new SiteRateLimiter(10_000);
  private final ConcurrentLinkedQueue<Failure> queue = new ConcurrentLinkedQueue<>();
  private final AtomicInteger queued = new AtomicInteger();

  StompErrors(Detections detections) {
    this.detections = detections;
  }

  /** From the handler's thread, while its span is open: the event goes on the span now, the detection is queued. */
  void failed(WebSocketSite site, String command, Throwable error, Span span) {
    if (queued.incrementAndGet() > MAX_QUEUED) {
      queued.decrementAndGet();
      return;
    }
    Failure failure = new Failure(site, command, error, Thread.currentThread().getName(), span);
    queue.add(failure);
    if (span.isRecording()) {
      span.addEvent(TelemetryNames.DETECTION_EVENT, Attributes.builder()
          .put(TelemetryNames.DETECTION_KIND, DetectionKind.WEBSOCKET_ERROR.wireName())
          .put(TelemetryNames.DETECTION_MESSAGE, message(failure, 0))
          .put(TelemetryNames.THREAD_NAME, failure.thread)
          .put(TelemetryNames.CODE_STACKTRACE, String.join("\n", Stacks.toStrings(error.getStackTrace())))
          .build());
    }
  }

  /** On the watchdog. */
  @Override
  public void run() {
    long now = System.currentTimeMillis();
    Failure f;
    while ((f = queue.poll()) != null) {
      queued.decrementAndGet();
      long suppressed = rateLimiter.admit(f.site.endpoint + "|" + f.error.getClass().getName(), now);
      if (suppressed >= 0) {
        // The event is on the span already: the detection carries only its context (for the log record).
        detections.report(describe(f, suppressed).onSpan(Span.wrap(f.span.getSpanContext())));
      }
    }
  }

  private static Detection describe(Failure f, long suppressed) {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("endpoint", f.site.endpoint);
    details.put("event", f.site.method.event().wireName);
    details.put("handler", f.site.qualifiedName);
    details.put("exception", f.error.getClass().getName());
    details.put("thrownByHandler", true);
    details.put("stompCommand", f.command);
    details.put("sessionOutcome", OUTCOME);
    if (suppressed > 0) {
      details.put("suppressed", suppressed);
    }
    return Detection.of(DetectionKind.WEBSOCKET_ERROR, f.thread, message(f, suppressed),
        Stacks.toStrings(f.error.getStackTrace()), details);
  }

  /** {@code STOMP SEND handler com.acme.Chat.send for /app/chat/{room} threw java.lang.IllegalStateException; ...}. */
  static String message(Failure f, long suppressed) {
    StringBuilder message = new StringBuilder("STOMP ").append(f.command).append(" handler ")
        .append(f.site.qualifiedName).append(" for ").append(f.site.endpoint).append(" threw ")
        .append(f.error.getClass().getName()).append("; ").append(OUTCOME).append('.');
    if (suppressed > 0) {
      message.append(" (").append(suppressed).append(" more at this destination were not reported)");
    }
    return message.toString();
  }

  record Failure(WebSocketSite site, String command, Throwable error, String thread, Span span) {}
}
