package dev.stallwatch.websocket;

import dev.stallwatch.report.Detection;
import dev.stallwatch.report.DetectionKind;
import dev.stallwatch.report.Detections;
import dev.stallwatch.report.SiteRateLimiter;
import dev.stallwatch.report.Stacks;
import io.opentelemetry.api.trace.Span;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code websocket_error} detections. The handler's thread only queues what happened (no I/O, no lock on the
 * application's thread); the watchdog reports it, at most once per endpoint and exception type every 10 seconds,
 * saying how many were held back.
 */
final class HandlerErrors implements Runnable {
  private static final int MAX_QUEUED = 1_000;

  private final Detections detections;
  private final SiteRateLimiter rateLimiter = new SiteRateLimiter(10_000);
  private final ConcurrentLinkedQueue<Failure> queue = new ConcurrentLinkedQueue<>();
  private final AtomicInteger queued = new AtomicInteger();

  HandlerErrors(Detections detections) {
    this.detections = detections;
  }

  /** From the handler's thread: {@code error} was thrown by the handler, or handed to its error callback. */
  void failed(WebSocketSite site, Throwable error, boolean thrownByHandler, Span span) {
    if (queued.incrementAndGet() > MAX_QUEUED) {
      queued.decrementAndGet();
      return;
    }
    queue.add(new Failure(site, error, thrownByHandler, Thread.currentThread().getName(), span));
  }

  /** On the watchdog. */
  @Override
  public void run() {
    Failure failure;
    long now = System.currentTimeMillis();
    while ((failure = queue.poll()) != null) {
      queued.decrementAndGet();
      long suppressed = rateLimiter.admit(failure.site.endpoint + "|" + failure.error.getClass().getName(), now);
      if (suppressed >= 0) {
        detections.report(describe(failure, suppressed).onSpan(failure.span));
      }
    }
  }

  private static Detection describe(Failure f, long suppressed) {
    WebSocketSite site = f.site;
    String type = f.error.getClass().getName();
    StringBuilder message = new StringBuilder("WebSocket ").append(site.method.event().wireName).append(" handler ")
        .append(site.qualifiedName).append(" for ").append(site.endpoint)
        .append(f.thrownByHandler ? " threw " : " was handed ").append(type);
    if (f.thrownByHandler && site.method.event() == HandlerEvent.MESSAGE) {
      message.append("; the container closes such a session with 1011 (internal error) unless the endpoint recovers");
    }
    message.append('.');
    if (suppressed > 0) {
      message.append(" (").append(suppressed).append(" more at this endpoint were not reported)");
    }
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("endpoint", site.endpoint);
    details.put("event", site.method.event().wireName);
    details.put("handler", site.qualifiedName);
    details.put("exception", type);
    details.put("thrownByHandler", f.thrownByHandler);
    if (suppressed > 0) {
      details.put("suppressed", suppressed);
    }
    return Detection.of(DetectionKind.WEBSOCKET_ERROR, f.thread, message.toString(),
        Stacks.toStrings(f.error.getStackTrace()), details);
  }

  private record Failure(WebSocketSite site, Throwable error, boolean thrownByHandler, String thread, Span span) {}
}
