package dev.stallwatch.report;

import io.opentelemetry.api.trace.Span;

/**
 * Which span a thread was working in at some moment, for detections the watchdog makes about another thread (a lock
 * wait, a permit taken and kept): their log record carries that span's trace context and the span gets the
 * detection's event while it is open. Answered from the operations stallwatch traces itself (a WebSocket handler
 * call, a block method); the watchdog cannot read another thread's current OpenTelemetry context.
 */
public interface ThreadSpans {
  /** Answers for a JVM without traced operations. */
  ThreadSpans NONE = (thread, sinceMillis) -> Span.getInvalid();

  /**
   * The span of the innermost traced operation running on {@code thread} now that had begun by
   * {@code sinceMillis} (epoch milliseconds, as the coarse clock reads), or {@link Span#getInvalid()}.
   */
  Span spanOf(Thread thread, long sinceMillis);
}
