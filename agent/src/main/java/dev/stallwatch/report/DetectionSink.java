package dev.stallwatch.report;

/** A place detections go: stderr, a file, OTLP logs, a counter, a span event. */
public interface DetectionSink {
  /** Records one detection. May throw; {@link Detections} keeps one broken sink from silencing the others. */
  void accept(Detection detection) throws Exception;
}
