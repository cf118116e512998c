package dev.stallwatch;

import dev.stallwatch.config.StallwatchConfig;
import dev.stallwatch.instrumentation.LoadedClasses;
import dev.stallwatch.websocket.WebSockets;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What an attach to a running JVM ({@code jcmd <pid> JVMTI.agent_load}, {@code VirtualMachine.loadAgent}) does beyond
 * a start with {@code -javaagent}: the features' transformers only see classes as they load, so the application
 * classes loaded before the attach that a feature's transformer would have changed are found and retransformed (one
 * pass over the loaded classes, each class file read once and shown to each transformer as at its loading, each class
 * retransformed once whatever the number of features that change it; Spring STOMP's and Spring WebFlux's own classes
 * are among them); then one line says that stallwatch attached,
 * what it covered and where detections go.
 *
 * <p>The JDK's lock classes and block methods need nothing here: their installers retransform what is loaded in
 * either case.
 */
final class LateAttach {
  private LateAttach() {}

  /** What was covered, for the attach line: a count per feature. */
  static final class Coverage {
    int websocketClasses = -1;
    int stompClasses = -1;
    int webfluxClasses = -1;
    int permitClasses = -1;
    int blockClasses = -1;
    boolean lockClasses;
  }

  /**
   * Retransforms the loaded classes that the installed WebSocket transformers (the handlers' and containers', Spring
   * STOMP's, Spring WebFlux's) and the rewriter of Semaphore call sites (either may be null: not installed) would have changed at
   * load.
   */
  static void retransformLoaded(Instrumentation instrumentation, ClassLoader agentLoader,
      WebSockets.Transformers websocket, ClassFileTransformer permits, Coverage coverage) {
    List<ClassFileTransformer> transformers = new ArrayList<>();
    if (websocket != null) {
      transformers.add(websocket.handlers());
      transformers.add(websocket.stomp());
      transformers.add(websocket.reactive());
    }
    if (permits != null) {
      transformers.add(permits);
    }
    if (transformers.isEmpty()) {
      return;
    }
    LoadedClasses.Found found = LoadedClasses.changedBy(instrumentation, agentLoader, transformers);
    LoadedClasses.retransform(instrumentation, found.classes());
    int next = 0;
    if (websocket != null) {
      coverage.websocketClasses = found.counts()[next++];
      coverage.stompClasses = found.counts()[next++];
      coverage.webfluxClasses = found.counts()[next++];
    }
    coverage.permitClasses = permits != null ? found.counts()[next] : -1;
  }

  /** The one line a late attach prints. */
  static String summary(Coverage coverage, StallwatchConfig config, Map<String, String> otelArguments,
      boolean openTelemetryAgent, long tookMillis) {
    List<String> covered = new ArrayList<>();
    if (coverage.lockClasses) {
      covered.add("the JDK's lock classes");
    }
    if (coverage.websocketClasses >= 0) {
      covered.add(coverage.websocketClasses + " WebSocket class" + plural(coverage.websocketClasses));
    }
    // Spring's own STOMP and WebFlux classes, named only where the application has them loaded.
    if (coverage.stompClasses > 0) {
      covered.add(coverage.stompClasses + " Spring STOMP class" + plural(coverage.stompClasses));
    }
    if (coverage.webfluxClasses > 0) {
      covered.add(coverage.webfluxClasses + " Spring WebFlux class" + plural(coverage.webfluxClasses));
    }
    if (coverage.permitClasses >= 0) {
      covered.add(coverage.permitClasses + " class" + plural(coverage.permitClasses) + " calling Semaphore");
    }
    if (coverage.blockClasses >= 0 && !config.blocks().isEmpty()) {
      covered.add(coverage.blockClasses + " class" + plural(coverage.blockClasses) + " with block methods");
    }
    List<String> sinks = new ArrayList<>();
    sinks.add("stderr");
    if (config.detectionsFile() != null) {
      sinks.add(config.detectionsFile().toString());
    }
    String logs = otlpLogs(otelArguments, openTelemetryAgent);
    if (logs != null) {
      sinks.add(logs);
    }
    return "attached to the running JVM (pid " + ProcessHandle.current().pid() + ") in " + tookMillis + " ms; "
        + "retransformed what was already loaded: " + (covered.isEmpty() ? "nothing" : String.join(", ", covered))
        + "; detections go to " + String.join(", ", sinks);
  }

  private static String plural(int n) {
    return n == 1 ? "" : "es";
  }

  /** Where OTLP log records go, as the SDK reads it (arguments, then system properties, then the environment). */
  private static String otlpLogs(Map<String, String> otelArguments, boolean openTelemetryAgent) {
    if (openTelemetryAgent) {
      return "the OpenTelemetry Java agent's log exporter";
    }
    String exporter = otel("otel.logs.exporter", otelArguments);
    if (exporter == null) {
      exporter = "otlp";
    }
    if (exporter.trim().equals("none")) {
      return null;
    }
    if (!exporter.contains("otlp")) {
      return "OpenTelemetry logs (" + exporter.trim() + ")";
    }
    String endpoint = otel("otel.exporter.otlp.logs.endpoint", otelArguments);
    if (endpoint == null) {
      endpoint = otel("otel.exporter.otlp.endpoint", otelArguments);
    }
    return "OTLP logs (" + (endpoint == null ? "the default endpoint" : endpoint) + ")";
  }

  private static String otel(String key, Map<String, String> otelArguments) {
    String value = otelArguments.get(key);
    if (value == null) {
      value = System.getProperty(key);
    }
    if (value == null) {
      value = System.getenv(key.replace('.', '_').toUpperCase(java.util.Locale.ROOT));
    }
    return value;
  }
}
