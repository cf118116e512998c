package dev.stallwatch.report;

import dev.stallwatch.log.AgentLog;
import io.opentelemetry.api.trace.Span;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The one way in for every detection: each is handed to every sink. A sink that fails is reported once on stderr and
 * the others still get the detection; nothing is ever thrown back to the detector that reported it.
 */
public final class Detections {
  private final List<DetectionSink> sinks;
  private final Set<Class<?>> brokenSinksReported = ConcurrentHashMap.newKeySet();
  private volatile ThreadSpans threadSpans = ThreadSpans.NONE;

  public Detections(List<DetectionSink> sinks) {
    this.sinks = List.copyOf(sinks);
  }

  /** Where {@link #spanOf} looks: the registry of traced operations, once it exists. */
  public void useThreadSpans(ThreadSpans spans) {
    threadSpans = spans;
  }

  /** See {@link ThreadSpans#spanOf}; never throws. */
  public Span spanOf(Thread thread, long sinceMillis) {
    if (thread == null) {
      return Span.getInvalid();
    }
    try {
      return threadSpans.spanOf(thread, sinceMillis);
    } catch (RuntimeException e) {
      return Span.getInvalid();
    }
  }

  public void report(Detection detection) {
    for (DetectionSink sink : sinks) {
      try {
        sink.accept(detection);
      } catch (Throwable t) {
        if (brokenSinksReported.add(sink.getClass())) {
          AgentLog.line("could not record a detection in " + sink.getClass().getSimpleName() + ": " + t);
        }
      }
    }
  }
}
