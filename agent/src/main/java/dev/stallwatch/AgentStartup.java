package dev.stallwatch;

import dev.stallwatch.config.ConfigLoader;
import dev.stallwatch.config.StallwatchConfig;
import dev.stallwatch.detect.DeadlockDetector;
import dev.stallwatch.detect.DetectionSink;
import dev.stallwatch.detect.Detections;
import dev.stallwatch.detect.InFlightOperations;
import dev.stallwatch.detect.RunawayDetector;
import dev.stallwatch.detect.Watchdog;
import dev.stallwatch.instrumentation.blocks.Blocks;
import dev.stallwatch.telemetry.DetectionCounterSink;
import dev.stallwatch.telemetry.JsonLinesSink;
import dev.stallwatch.telemetry.OtlpLogSink;
import dev.stallwatch.telemetry.SpanEventSink;
import dev.stallwatch.telemetry.StderrSink;
import dev.stallwatch.telemetry.Telemetry;
import java.lang.instrument.Instrumentation;
import java.util.ArrayList;
import java.util.List;

/**
 * Starts the agent inside its own class loader: configuration, then telemetry, then detection sinks, then the
 * watchdog and its detectors. Called once by {@link StallwatchAgent} through reflection.
 */
public final class AgentStartup {
  private static final String VERSION = versionOf(AgentStartup.class);

  private AgentStartup() {}

  public static void start(String agentArguments, Instrumentation instrumentation, boolean attachedLate) {
    Thread current = Thread.currentThread();
    ClassLoader applicationContextLoader = current.getContextClassLoader();
    // Threads the SDK starts now inherit the agent's loader as context loader, which is how the agent recognises
    // its own threads later.
    current.setContextClassLoader(AgentStartup.class.getClassLoader());
    try {
      if (agentArguments != null && !agentArguments.isBlank()) {
        AgentLog.line("agent arguments '" + agentArguments + "' are not used; configure stallwatch with "
            + "-Dstallwatch.* system properties or STALLWATCH_* environment variables");
      }
      StallwatchConfig config = ConfigLoader.load(System.getProperties(), System.getenv(), AgentLog::line);
      Telemetry telemetry = Telemetry.start(ServiceName.guess(), VERSION);
      Detections detections = new Detections(sinks(config, telemetry));

      Watchdog watchdog = Watchdog.start();
      watchdog.every(config.deadlockInterval(), new DeadlockDetector(detections));

      // --- Issue 5: in-flight operations + runaway watchdog, and block methods (stallwatch.blocks). ---
      InFlightOperations operations = RunawayDetector.install(detections, telemetry.meter(), watchdog);
      Blocks.install(instrumentation, config, telemetry, operations, watchdog);
      // --- end of issue 5 ---

      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        watchdog.stop();
        telemetry.shutdown(5);
      }, "stallwatch-shutdown"));
    } finally {
      current.setContextClassLoader(applicationContextLoader);
    }
  }

  private static List<DetectionSink> sinks(StallwatchConfig config, Telemetry telemetry) {
    List<DetectionSink> sinks = new ArrayList<>();
    sinks.add(new StderrSink());
    if (config.detectionsFile() != null) {
      JsonLinesSink file = JsonLinesSink.open(config.detectionsFile());
      if (file != null) {
        sinks.add(file);
      }
    }
    sinks.add(new OtlpLogSink(telemetry.logger()));
    sinks.add(new DetectionCounterSink(telemetry.meter()));
    sinks.add(new SpanEventSink());
    return sinks;
  }

  private static String versionOf(Class<?> type) {
    String version = type.getPackage() == null ? null : type.getPackage().getImplementationVersion();
    return version == null ? "dev" : version;
  }
}
