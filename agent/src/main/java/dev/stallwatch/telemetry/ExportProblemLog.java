package dev.stallwatch.telemetry;

import dev.stallwatch.log.AgentLog;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import java.util.HashMap;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * The OpenTelemetry SDK reports export failures through {@code java.util.logging}, by default one multi-line record on
 * the application's stderr per failed batch. Instead each distinct problem is said once as a {@code [stallwatch]} line,
 * then at most once a minute with the number of repeats, so that a missing collector is visible but not a flood.
 */
final class ExportProblemLog extends Handler {
  private static final long REPEAT_INTERVAL_MILLIS = 60_000;
  /** The relocated SDK's root logger; held strongly because java.util.logging keeps loggers only weakly. */
  private static Logger sdkLogger;
  /** Where the {@code console} and {@code logging-otlp} exporters write: their output is the point, so it passes. */
  private static Logger consoleExporters;

  private final Map<String, long[]> lastSaidAndRepeats = new HashMap<>();

  static synchronized void install() {
    if (sdkLogger != null) {
      return;
    }
    String sdkPackage = OpenTelemetrySdk.class.getPackageName();
    String root = sdkPackage.substring(0, sdkPackage.length() - ".sdk".length());
    sdkLogger = Logger.getLogger(root);
    sdkLogger.setUseParentHandlers(false);
    sdkLogger.setLevel(Level.WARNING);
    sdkLogger.addHandler(new ExportProblemLog());
    consoleExporters = Logger.getLogger(root + ".exporter.logging");
    consoleExporters.setUseParentHandlers(false);
    consoleExporters.setLevel(Level.INFO);
    consoleExporters.addHandler(new ConsoleExporterOutput());
  }

  /** Prints what the console exporters log to stderr, as the JDK's default console handler would have. */
  private static final class ConsoleExporterOutput extends Handler {
    @Override
    public void publish(LogRecord record) {
      if (record.getLevel().intValue() >= Level.INFO.intValue()) {
        System.err.println(new java.util.logging.SimpleFormatter().formatMessage(record));
      }
    }

    @Override
    public void flush() {
      System.err.flush();
    }

    @Override
    public void close() {}
  }

  @Override
  public synchronized void publish(LogRecord record) {
    if (record.getLevel().intValue() < Level.WARNING.intValue()) {
      return;
    }
    String problem = record.getMessage() == null ? "" : record.getMessage();
    if (record.getThrown() != null) {
      problem += " (" + record.getThrown() + ")";
    }
    long now = System.currentTimeMillis();
    long[] state = lastSaidAndRepeats.get(problem);
    if (state == null) {
      lastSaidAndRepeats.put(problem, new long[] {now, 0});
      AgentLog.line("telemetry: " + problem);
    } else if (now - state[0] >= REPEAT_INTERVAL_MILLIS) {
      AgentLog.line("telemetry: " + problem + " (again, " + (state[1] + 1) + " times in the last minute or more)");
      state[0] = now;
      state[1] = 0;
    } else {
      state[1]++;
    }
  }

  @Override
  public void flush() {}

  @Override
  public void close() {}
}
