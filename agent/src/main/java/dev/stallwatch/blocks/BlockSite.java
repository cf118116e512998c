package dev.stallwatch.blocks;

import dev.stallwatch.config.BlockPattern;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One instrumented block method (all overloads of one name in one class share it): what its spans, metrics and
 * runaway detections say about it, prepared once so that a call allocates nothing for it.
 */
final class BlockSite {
  static final AttributeKey<String> CODE_FUNCTION_NAME = AttributeKey.stringKey("code.function.name");
  static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
  static final AttributeKey<String> OPERATION_KIND = AttributeKey.stringKey("stallwatch.operation.kind");
  static final AttributeKey<String> BLOCK_PATTERN = AttributeKey.stringKey("stallwatch.block.pattern");

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
    spanName = className.substring(className.lastIndexOf('.') + 1) + "." + methodName;
    metricAttributes = Attributes.of(CODE_FUNCTION_NAME, qualifiedName);
    spanAttributes = Attributes.of(CODE_FUNCTION_NAME, qualifiedName, OPERATION_KIND, Blocks.KIND,
        BLOCK_PATTERN, pattern.toString());
    details = Map.of("pattern", pattern.toString());
  }

  Attributes errorAttributes(Throwable thrown) {
    return errorAttributes.computeIfAbsent(thrown.getClass(),
        type -> metricAttributes.toBuilder().put(ERROR_TYPE, type.getName()).build());
  }
}
