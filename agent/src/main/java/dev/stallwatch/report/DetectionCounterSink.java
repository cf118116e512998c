package dev.stallwatch.report;

import dev.stallwatch.telemetry.TelemetryNames;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.Meter;
import java.util.EnumMap;
import java.util.Map;

/** The {@code stallwatch.detections} counter, one series per detection kind. */
public final class DetectionCounterSink implements DetectionSink {
  private final LongCounter counter;
  private final Map<DetectionKind, Attributes> attributesByKind = new EnumMap<>(DetectionKind.class);

  public DetectionCounterSink(Meter meter) {
    counter = meter.counterBuilder(TelemetryNames.DETECTIONS_METRIC)
        .setDescription("Detections reported by stallwatch, by kind")
        .setUnit("{detection}")
        .build();
    for (DetectionKind kind : DetectionKind.values()) {
      attributesByKind.put(kind, Attributes.of(TelemetryNames.DETECTION_KIND, kind.wireName()));
    }
  }

  @Override
  public void accept(Detection detection) {
    counter.add(1, attributesByKind.get(detection.kind()));
  }
}
