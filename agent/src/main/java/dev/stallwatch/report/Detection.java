package dev.stallwatch.report;

import io.opentelemetry.api.trace.Span;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One finding, as every sink reports it.
 *
 * @param thread the name of the thread the finding is about
 * @param message one sentence a person understands without reading the rest
 * @param stack the stack that explains it, innermost frame first, in {@link StackTraceElement#toString()} form
 * @param details kind-specific fields, in the order they are written; values are strings, numbers, booleans, lists
 *     and maps of those
 * @param span the span the finding belongs to, or null when none is known
 */
public record Detection(
    DetectionKind kind,
    Instant time,
    String thread,
    String message,
    List<String> stack,
    Map<String, Object> details,
    Span span) {

  public Detection {
    stack = List.copyOf(stack);
    details = Collections.unmodifiableMap(new LinkedHashMap<>(details));
  }

  public static Detection of(DetectionKind kind, String thread, String message, List<String> stack,
      Map<String, Object> details) {
    return new Detection(kind, Instant.now(), thread, message, stack, details, null);
  }

  /** The same finding attached to a span, so that it can also be recorded as a span event. */
  public Detection onSpan(Span span) {
    return new Detection(kind, time, thread, message, stack, details, span);
  }

  /** The fields in the order of the JSON Lines file: kind, time, thread, message, stack, then the details. */
  public Map<String, Object> toMap() {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("kind", kind.wireName());
    map.put("time", time.toString());
    map.put("thread", thread);
    map.put("message", message);
    map.put("stack", stack);
    map.putAll(details);
    return map;
  }
}
