package dev.stallwatch.sample.demo;

import dev.stallwatch.sample.load.LoadDriver;
import dev.stallwatch.sample.load.LoadReport;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The demo: for each scenario, starts the rewrite service under the agent with that scenario's fault switched on,
 * drives it with the load driver, stops it, and says what stallwatch detected, with the frames of the service's own
 * code that explain it. Exits 1 when a scenario did not get the detection it should (or the healthy one got any).
 *
 * <pre>java -cp rewrite-service.jar dev.stallwatch.sample.demo.Demo AGENT_JAR SERVICE_JAR OUT_DIR [scenario...]</pre>
 *
 * <p>With {@code -Dstallwatch.demo.otelAgent=PATH} (what {@code demo.sh --with-otel-agent} gives) the service runs
 * under the OpenTelemetry Java agent at PATH and stallwatch, in that order: one SDK, one trace.
 */
public final class Demo {
  private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
  private static final Duration DETECTION_TIMEOUT = Duration.ofSeconds(12);
  private static final int KEY_FRAMES = 4;
  private static final String SERVICE_PACKAGE = "dev.stallwatch.sample.rewrite.";

  private final Path agentJar;
  private final Path serviceJar;
  private final Path out;
  private final String exporter;
  /** The OpenTelemetry Java agent's jar to run the service under as well, or null. */
  private final Path otelAgentJar;

  private Demo(Path agentJar, Path serviceJar, Path out, String exporter) {
    String otelAgent = System.getProperty("stallwatch.demo.otelAgent", "");
    this.otelAgentJar = otelAgent.isBlank() ? null : Path.of(otelAgent);
    this.agentJar = agentJar;
    this.serviceJar = serviceJar;
    this.out = out;
    this.exporter = exporter;
  }

  /** What one scenario did: the load it carried and what stallwatch said. */
  record Outcome(Scenario scenario, LoadReport load, List<Map<String, Object>> detections) {
    boolean asExpected() {
      return scenario.expectedKind == null ? detections.isEmpty()
          : detections.stream().anyMatch(d -> scenario.expectedKind.equals(d.get("kind")));
    }

    Map<String, Integer> countsByKind() {
      Map<String, Integer> counts = new LinkedHashMap<>();
      detections.forEach(d -> counts.merge(String.valueOf(d.get("kind")), 1, Integer::sum));
      return counts;
    }
  }

  public static void main(String[] args) throws Exception {
    if (args.length < 3) {
      System.err.println("usage: Demo AGENT_JAR SERVICE_JAR OUT_DIR [scenario...]");
      System.exit(2);
    }
    List<Scenario> scenarios = new ArrayList<>();
    for (int i = 3; i < args.length; i++) {
      scenarios.add(Scenario.named(args[i]));
    }
    if (scenarios.isEmpty()) {
      scenarios.addAll(List.of(Scenario.values()));
    }
    String exporter = collectorListening() ? "otlp" : "none";
    Demo demo = new Demo(Path.of(args[0]), Path.of(args[1]), Path.of(args[2]), exporter);
 if (demo.otelAgentJar != null) {
      System.out.println("== beside the OpenTelemetry Java agent " + demo.otelAgentJar.getFileName()
          + ": stallwatch exports through its SDK");
    }
    System.out.println("== telemetry export: " + (exporter.equals("otlp")
        ? "to the OpenTelemetry Collector on 127.0.0.1:4318"
        : "none (no collector on 127.0.0.1:4318); detections still go to stderr and the JSON Lines files"));
    List<Outcome> outcomes = new ArrayList<>();
    for (Scenario scenario : scenarios) {
      Outcome outcome = demo.run(scenario);
      outcomes.add(outcome);
      System.out.print(describe(outcome));
    }
    System.out.println();
    System.out.println("== summary (every detection is in " + demo.out + "/<scenario>.jsonl, the service's log beside it)");
    boolean allGood = true;
    for (Outcome o : outcomes) {
      String found = o.detections().isEmpty() ? "nothing detected" : o.countsByKind().entrySet().stream()
          .map(e -> e.getValue() + " " + e.getKey()).reduce((a, b) -> a + ", " + b).orElse("");
      System.out.printf("  %-22s %-44s %s%n", o.scenario().label(), found,
          o.asExpected() ? "as expected" : "NOT AS EXPECTED (wanted " + (o.scenario().expectedKind == null
              ? "nothing" : o.scenario().expectedKind) + ")");
      allGood &= o.asExpected();
    }
    System.exit(allGood ? 0 : 1);
  }

  private Outcome run(Scenario scenario) throws IOException, InterruptedException {
    Files.createDirectories(out);
    Path log = out.resolve(scenario.label() + ".log");
    Path detections = out.resolve(scenario.label() + ".jsonl");
    Files.deleteIfExists(log);
    Files.deleteIfExists(detections);
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    if (otelAgentJar != null) {
      command.add("-javaagent:" + otelAgentJar); // first: stallwatch joins an OpenTelemetry agent already started
      DemoSettings.OTEL_AGENT.forEach((k, v) -> command.add("-D" + k + "=" + v));
    }
    command.add("-javaagent:" + agentJar);
    DemoSettings.AGENT.forEach((k, v) -> command.add("-D" + k + "=" + v));
    command.add("-Dstallwatch.detections.file=" + detections);
    for (String signal : List.of("traces", "metrics", "logs")) {
      command.add("-Dotel." + signal + ".exporter=" + exporter);
    }
    command.add("-jar");
    command.add(serviceJar.toString());
    command.addAll(DemoSettings.serviceArguments(scenario.fault));
    System.out.println();
    System.out.println("== " + scenario.label() + ": " + scenario.story);
    Process service = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try {
      URI url = awaitListening(service, log);
      Duration duration = scenario == Scenario.HEALTHY ? Duration.ofSeconds(8) : Duration.ofSeconds(6);
      LoadReport load = LoadDriver.run(DemoSettings.load(url, duration));
      awaitDetections(scenario, detections);
      return new Outcome(scenario, load, readDetections(detections));
    } finally {
      service.destroy();
      if (!service.waitFor(10, TimeUnit.SECONDS)) {
        service.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  private static URI awaitListening(Process service, Path log) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (Files.exists(log)) {
        for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
          if (line.contains(DemoSettings.LISTENING)) {
            return DemoSettings.urlFromLogLine(line);
          }
        }
      }
      if (!service.isAlive()) {
        throw new IllegalStateException("the service exited with " + service.exitValue() + "; see " + log);
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException("the service did not start within " + START_TIMEOUT + "; see " + log);
  }

  /** Waits for the expected kind; for the healthy scenario, gives late detections a moment to show. */
  private static void awaitDetections(Scenario scenario, Path file) throws IOException, InterruptedException {
    if (scenario.expectedKind == null) {
      Thread.sleep(1_500);
      return;
    }
    long deadline = System.nanoTime() + DETECTION_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (readDetections(file).stream().anyMatch(d -> scenario.expectedKind.equals(d.get("kind")))) {
        return;
      }
      Thread.sleep(100);
    }
  }

  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> readDetections(Path file) throws IOException {
    List<Map<String, Object>> out = new ArrayList<>();
    if (Files.exists(file)) {
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        if (!line.isBlank()) {
          out.add((Map<String, Object>) MiniJson.parse(line));
        }
      }
    }
    return out;
  }

  /** The load line, then for each kind detected its first detection with the service's frames that explain it. */
  static String describe(Outcome o) {
    StringBuilder text = new StringBuilder();
    LoadReport load = o.load();
    text.append(String.format(java.util.Locale.ROOT,
        "   load: %d documents (%.1f/s), p50 %.1f ms, p99 %.1f ms, %d failed%s%n", load.documents(),
        load.documentsPerSecond(), load.latencyMillis(0.5), load.latencyMillis(0.99), load.failed(),
        load.closedByServer().isEmpty() ? "" : " (sessions closed by the server: " + load.closedByServer() + ")"));
    if (o.detections().isEmpty()) {
      text.append("   stallwatch: nothing detected\n");
      return text.toString();
    }
    Map<String, Map<String, Object>> firstByKind = new LinkedHashMap<>();
    o.detections().forEach(d -> firstByKind.putIfAbsent(String.valueOf(d.get("kind")), d));
    o.countsByKind().forEach((kind, count) -> {
      Map<String, Object> d = firstByKind.get(kind);
      text.append("   stallwatch ").append(kind).append(count > 1 ? " (x" + count + ")" : "").append(": ")
          .append(d.get("message")).append('\n');
      for (String frame : keyFrames(d)) {
        text.append("       ").append(frame).append('\n');
      }
    });
    return text.toString();
  }

  /** The service's own frames: of the stack, of the lock's holder, or of each thread in a deadlock. */
  @SuppressWarnings("unchecked")
  static List<String> keyFrames(Map<String, Object> detection) {
    List<String> lines = new ArrayList<>();
    if (detection.get("threads") instanceof List<?> threads) {
      for (Object t : threads) {
        Map<String, Object> thread = (Map<String, Object>) t;
        List<String> frames = serviceFrames(thread.get("stack"));
        lines.add("thread \"" + thread.get("name") + "\" at " + (frames.isEmpty() ? "?" : String.join(" <- ", frames)));
      }
      return lines;
    }
    for (String frame : serviceFrames(detection.get("stack"))) {
      lines.add("at " + frame);
    }
    if (detection.get("owner") instanceof Map<?, ?> owner) {
      List<String> frames = serviceFrames(owner.get("stack"));
      if (!frames.isEmpty()) {
        lines.add("held by \"" + owner.get("name") + "\" at " + String.join(" <- ", frames));
      }
    }
    return lines;
  }

  private static List<String> serviceFrames(Object stack) {
    List<String> frames = new ArrayList<>();
    if (stack instanceof List<?> list) {
      for (Object f : list) {
        String frame = String.valueOf(f).replaceFirst("^app//", "");
        if (frame.startsWith(SERVICE_PACKAGE) && !frame.contains("$$Lambda") && frames.size() < KEY_FRAMES) {
          frames.add(frame.substring(SERVICE_PACKAGE.length()));
        }
      }
    }
    return frames;
  }

  private static boolean collectorListening() {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", 4318), 300);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
