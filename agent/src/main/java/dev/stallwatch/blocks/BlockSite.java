package dev.stallwatch.blocks;

import dev.stallwatch.config.BlockPattern;
import dev.stallwatch.telemetry.TelemetryNames;
import io.opentelemetry.api.common.Attributes;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One instrumented block method (all overloads of one name in one class share it): what its spans, metrics and
 * runaway detections say about it, prepared once so that a call allocates nothing for it.
 */
final class BlockSite {
  final String className;
  final String methodName;
  /** {@code com.acme.Pipeline.processBlock}. */
  final String qualifiedName;
  /** {@code Pipeline.processBlock}. */
  final String spanName;
  final BlockPattern pattern;
  final long thresholdNanos;
  final Attributes spanAttributes;
  final Attributes metricAttributes;
  final Map<String, Object> details;
  private final Map<Class<?>, Attributes> errorAttributes = new ConcurrentHashMap<>();

  BlockSite(String className, String methodName, BlockPattern pattern, long thresholdNanos) {
    this.className = className;
    this.methodName = methodName;
    this.pattern = pattern;
    this.thresholdNanos = thresholdNanos;
    qualifiedName = className + "." + methodName;
    spanName = TelemetryNames.blockSpanName(className, methodName);
    metricAttributes = Attributes.of(TelemetryNames.CODE_FUNCTION_NAME, qualifiedName);
    spanAttributes = Attributes.of(TelemetryNames.CODE_FUNCTION_NAME, qualifiedName,
        TelemetryNames.OPERATION_KIND, Blocks.KIND,
        TelemetryNames.BLOCK_PATTERN, pattern.toString());
    details = Map.of("pattern", pattern.toString());
  }

  Attributes errorAttributes(Throwable thrown) {
    return errorAttributes.computeIfAbsent(thrown.getClass(),
        type -> metricAttributes.toBuilder().put(TelemetryNames.ERROR_TYPE, type.getName()).build());
  }
}
