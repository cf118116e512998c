package dev.stallwatch.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Describes a small program to run in a fresh JVM, by default under the packaged agent jar
 * ({@code agent/target/stallwatch-agent.jar}) with the test classes on its class path and a JSON Lines detections
 * file of its own. The environment is cleaned of {@code STALLWATCH_*} and {@code OTEL_*} variables so that a test
 * sees only the settings it gives.
 */
public final class ForkedJvm {
  private final Jdk jdk;
  /** The class to run from the class path, or null when {@link #jar} is run with {@code -jar}. */
  private final String mainClass;
  private Path jar;
  private final List<String> args = new ArrayList<>();
  private final Map<String, String> properties = new LinkedHashMap<>();
  private final Map<String, String> environment = new LinkedHashMap<>();
  private final List<String> jvmOptions = new ArrayList<>();
  /** Options before stallwatch's {@code -javaagent}: another agent that must start first. */
  private final List<String> leadingJvmOptions = new ArrayList<>();
  private final List<Path> classpath = new ArrayList<>();
  private boolean agent = true;
  private String agentArguments;
  private boolean detectionsFile = true;
  /** For a program the agent is attached to later: the detections file its arguments will name. */
  private Path laterDetections;

  private ForkedJvm(Jdk jdk, String mainClass) {
    this.jdk = jdk;
    this.mainClass = mainClass;
    classpath.add(Paths.get(requiredProperty("stallwatch.test.classes")));
    // Unless a test gives an OTLP receiver, nothing is exported: no connection attempts, no export warnings.
    properties.put("otel.traces.exporter", "none");
    properties.put("otel.metrics.exporter", "none");
    properties.put("otel.logs.exporter", "none");
  }

  public static ForkedJvm run(Jdk jdk, Class<?> mainClass, String... args) {
    ForkedJvm jvm = new ForkedJvm(jdk, mainClass.getName());
    jvm.args.addAll(List.of(args));
    return jvm;
  }

  /** An application packaged as an executable jar ({@code java -jar}), such as a Spring Boot service. */
  public static ForkedJvm runJar(Jdk jdk, Path jar, String... args) {
    ForkedJvm jvm = new ForkedJvm(jdk, null);
    jvm.jar = jar;
    jvm.args.addAll(List.of(args));
    return jvm;
  }

  public ForkedJvm withoutAgent() {
    agent = false;
    return this;
  }

  /** Text after {@code -javaagent:stallwatch-agent.jar=}. */
  public ForkedJvm agentArguments(String arguments) {
    agentArguments = arguments;
    return this;
  }

  /**
   * The JSON Lines file {@link RunningJvm#detections()} reads, for a program started without the agent
   * ({@link #withoutAgent()}) that a test attaches it to later with that file in the agent's arguments.
   */
  public ForkedJvm detectionsAt(Path file) {
    laterDetections = file;
    return this;
  }

  /** No {@code stallwatch.detections.file}: for tests of what happens when it is unset. */
  public ForkedJvm withoutDetectionsFile() {
    detectionsFile = false;
    return this;
  }

  public ForkedJvm property(String key, String value) {
    properties.put(key, value);
    return this;
  }

  public ForkedJvm removeProperty(String key) {
    properties.remove(key);
    return this;
  }

  public ForkedJvm env(String name, String value) {
    environment.put(name, value);
    return this;
  }

  public ForkedJvm jvmOption(String option) {
    jvmOptions.add(option);
    return this;
  }

  /** A JVM option placed before stallwatch's {@code -javaagent} (say, an agent whose premain must run first). */
  public ForkedJvm jvmOptionBeforeAgent(String option) {
    leadingJvmOptions.add(option);
    return this;
  }

  /**
   * The real OpenTelemetry Java agent (the build copies it from Maven Central), whose {@code -javaagent} option is
   * {@code "-javaagent:" + openTelemetryAgentJar()}.
   */
  public static Path openTelemetryAgentJar() {
    Path jar = Paths.get(requiredProperty("stallwatch.test.otelAgentJar"));
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(jar + " is missing: the forked-JVM tests run after `pre-integration-test`");
    }
    return jar;
  }

  public ForkedJvm classpath(Path entry) {
    classpath.add(entry);
    return this;
  }

  /** Adds every entry of a class path the build put in a system property (say, a WebSocket server's jars). */
  public ForkedJvm classpathFrom(String property) {
    for (String entry : requiredProperty(property).split(java.io.File.pathSeparator)) {
      if (!entry.isBlank()) {
        classpath.add(Paths.get(entry));
      }
    }
    return this;
  }

  /** Exports all three signals over OTLP/HTTP to {@code receiver}, quickly enough for a test to wait on. */
  public ForkedJvm exportTo(OtlpReceiver receiver) {
    properties.put("otel.exporter.otlp.endpoint", receiver.endpoint());
    properties.put("otel.exporter.otlp.protocol", "http/protobuf");
    properties.put("otel.traces.exporter", "otlp");
    properties.put("otel.metrics.exporter", "otlp");
    properties.put("otel.logs.exporter", "otlp");
    properties.put("otel.metric.export.interval", "300");
    properties.put("otel.bsp.schedule.delay", "100");
    properties.put("otel.blrp.schedule.delay", "100");
    return this;
  }

  public RunningJvm start() throws IOException {
    List<String> command = new ArrayList<>();
    command.add(jdk.java().toString());
    Path detections = null;
    command.addAll(leadingJvmOptions);
    if (agent) {
      command.add("-javaagent:" + agentJar() + (agentArguments == null ? "" : "=" + agentArguments));
    }
    if (agent || properties.containsKey("otel.javaagent.extensions")) {
      if (detectionsFile && !properties.containsKey("stallwatch.detections.file")) {
        detections = Files.createTempFile("stallwatch-detections-", ".jsonl");
        Files.delete(detections);
        properties.put("stallwatch.detections.file", detections.toString());
      } else if (properties.containsKey("stallwatch.detections.file")) {
        detections = Paths.get(properties.get("stallwatch.detections.file"));
      }
    }
    if (!agent && laterDetections != null) {
      detections = laterDetections;
    }
    command.addAll(jvmOptions);
    for (Map.Entry<String, String> p : properties.entrySet()) {
      command.add("-D" + p.getKey() + "=" + p.getValue());
    }
    if (jar != null) {
      command.add("-jar");
      command.add(jar.toString());
    } else {
      command.add("-cp");
      command.add(String.join(java.io.File.pathSeparator, classpath.stream().map(Path::toString).toList()));
      command.add(mainClass);
    }
    command.addAll(args);

    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().keySet().removeIf(name -> name.startsWith("STALLWATCH_") || name.startsWith("OTEL_")
        || name.startsWith("JAVA_TOOL_OPTIONS") || name.startsWith("JDK_JAVA_OPTIONS") || name.startsWith("_JAVA_OPTIONS"));
    builder.environment().putAll(environment);
    return new RunningJvm(builder.start(), command, detections);
  }

  /** Starts the program and waits for it to exit; a program still running after {@code timeout} fails the test. */
  public RunningJvm.Result runToEnd(Duration timeout) throws IOException, InterruptedException {
    try (RunningJvm running = start()) {
      return running.awaitExit(timeout);
    }
  }

  public static Path agentJar() {
    Path jar = Paths.get(requiredProperty("stallwatch.test.agentJar"));
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(jar + " is missing: the forked-JVM tests run after `package`");
    }
    return jar;
  }

  static String requiredProperty(String name) {
    String value = System.getProperty(name);
    if (value == null) {
      throw new IllegalStateException("system property " + name + " is not set; run the tests through Maven (failsafe)");
    }
    return value;
  }
}
