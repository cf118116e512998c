package dev.stallwatch.report;

import dev.stallwatch.config.ConfigKey;
import dev.stallwatch.log.AgentLog;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Appends each detection as one JSON object per line ({@code stallwatch.detections.file}), flushed at once so that a
 * {@code tail -f} or a test sees it as it happens. Detections are rare, so a synchronous write is cheap enough.
 */
public final class JsonLinesSink implements DetectionSink, AutoCloseable {
  private final OutputStream out;

  private JsonLinesSink(OutputStream out) {
    this.out = out;
  }

  /** Opens the file for appending, creating it and its directories; null (after one warning) when it cannot. */
  public static JsonLinesSink open(Path file) {
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      // A FileOutputStream, not Files.newOutputStream: that one is an interruptible channel, which closes itself for
      // good when the writing thread is interrupted (as the watchdog is when the JVM shuts down mid-report).
      return new JsonLinesSink(new FileOutputStream(file.toFile(), true));
    } catch (IOException | RuntimeException e) {
      AgentLog.line("config: " + ConfigKey.DETECTIONS_FILE.key() + "=" + file + " cannot be written (" + e
          + "); detections are not written to a file");
      return null;
    }
  }

  @Override
  public synchronized void accept(Detection detection) throws IOException {
    out.write((Json.write(detection.toMap()) + "\n").getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  @Override
  public synchronized void close() throws IOException {
    out.close();
  }
}
