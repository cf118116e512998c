package dev.stallwatch.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** A forked JVM while it runs: its output so far, its detections so far, and ways to wait for either. */
public final class RunningJvm implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Process process;
  private final List<String> command;
  private final Path detectionsFile;
  private final StringBuffer stdout = new StringBuffer();
  private final StringBuffer stderr = new StringBuffer();
  private final Thread stdoutPump;
  private final Thread stderrPump;

  RunningJvm(Process process, List<String> command, Path detectionsFile) {
    this.process = process;
    this.command = command;
    this.detectionsFile = detectionsFile;
    stdoutPump = pump(process.getInputStream(), stdout, "stdout");
    stderrPump = pump(process.getErrorStream(), stderr, "stderr");
  }

  private static Thread pump(InputStream in, StringBuffer sink, String name) {
    Thread t = new Thread(() -> {
      byte[] buffer = new byte[8192];
      try {
        int n;
        while ((n = in.read(buffer)) > 0) {
          sink.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
        }
      } catch (IOException ignored) {
        // the process ended
      }
    }, "forked-jvm-" + name);
    t.setDaemon(true);
    t.start();
    return t;
  }

  public String stdout() {
    return stdout.toString();
  }

  public String stderr() {
    return stderr.toString();
  }

  public long pid() {
    return process.pid();
  }

  /**
   * Loads the packaged agent jar into this running JVM through the Attach API ({@code jdk.attach}), as
   * {@code jcmd <pid> JVMTI.agent_load} does, with {@code options} as the agent's arguments; returns once the agent's
   * {@code agentmain} has returned.
   */
  public void loadAgent(String options) throws Exception {
    com.sun.tools.attach.VirtualMachine vm = com.sun.tools.attach.VirtualMachine.attach(Long.toString(pid()));
    try {
      vm.loadAgent(ForkedJvm.agentJar().toString(), options);
    } finally {
      vm.detach();
    }
  }

  /** The detections written to the JSON Lines file so far, each parsed as JSON. */
  public List<JsonNode> detections() {
    List<JsonNode> out = new ArrayList<>();
    if (detectionsFile == null || !Files.isRegularFile(detectionsFile)) {
      return out;
    }
    try {
      for (String line : Files.readAllLines(detectionsFile, StandardCharsets.UTF_8)) {
        if (!line.isBlank()) {
          out.add(JSON.readTree(line));
        }
      }
    } catch (IOException e) {
      throw new AssertionError("the detections file is not valid JSON Lines: " + e.getMessage(), e);
    }
    return out;
  }

  public List<JsonNode> detections(String kind) {
    return detections().stream().filter(d -> kind.equals(d.path("kind").asText())).toList();
  }

  /** Waits for a detection matching {@code condition}; fails with everything seen when none comes in time. */
  public JsonNode awaitDetection(Predicate<JsonNode> condition, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      for (JsonNode d : detections()) {
        if (condition.test(d)) {
          return d;
        }
      }
      if (!process.isAlive()) {
        break;
      }
      Thread.sleep(50);
    }
    for (JsonNode d : detections()) {
      if (condition.test(d)) {
        return d;
      }
    }
    throw new AssertionError("no matching detection within " + timeout + "; detections: " + detections() + describe());
  }

  public JsonNode awaitDetection(String kind, Duration timeout) throws InterruptedException {
    return awaitDetection(d -> kind.equals(d.path("kind").asText()), timeout);
  }

  /** Waits until stdout contains {@code text}; returns the line holding it. */
  public String awaitStdout(String text, Duration timeout) throws InterruptedException {
    return awaitLine("stdout", this::stdout, line -> line.contains(text), "'" + text + "'", timeout);
  }

  /**
   * Waits until a line of stderr matches {@code regex}; returns it. Stderr is read by another thread, so a line the
   * program wrote before a detection reached the JSON Lines file may not have been read yet when that file shows it.
   */
  public String awaitStderrMatching(String regex, Duration timeout) throws InterruptedException {
    java.util.regex.Pattern pattern = java.util.regex.Pattern.compile(regex);
    return awaitLine("stderr", this::stderr, line -> pattern.matcher(line).find(), "/" + regex + "/", timeout);
  }

  private String awaitLine(String stream, java.util.function.Supplier<String> text,
      java.util.function.Predicate<String> matches, String what, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      boolean alive = process.isAlive();
      for (String line : text.get().split("\n")) {
        if (matches.test(line)) {
          return line;
        }
      }
      if (!alive || System.nanoTime() > deadline) {
        break;
      }
      Thread.sleep(20);
    }
    throw new AssertionError(stream + " never showed " + what + " within " + timeout + describe());
  }

  /** Waits for the program to end on its own; a program still running after {@code timeout} is killed and fails. */
  public Result awaitExit(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      throw new AssertionError("the program did not exit within " + timeout + describe());
    }
    stdoutPump.join(5_000);
    stderrPump.join(5_000);
    return new Result(process.exitValue(), stdout(), stderr(), detections());
  }

  /**
   * Asks the program to end as a service is stopped (SIGTERM, so shutdown hooks flush telemetry), killing it when it
   * has not ended within {@code grace}.
   */
  public void stop(Duration grace) throws InterruptedException {
    process.destroy();
    if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  /** What a test needs to explain a failure: the command line and all output so far. */
  public String describe() {
    return "\n--- command\n" + String.join(" ", command) + "\n--- stdout\n" + stdout() + "\n--- stderr\n" + stderr();
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroyForcibly();
      try {
        process.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** A finished program. */
  public record Result(int exitCode, String stdout, String stderr, List<JsonNode> detections) {
    /** The lines stallwatch wrote to stderr. */
    public List<String> agentLines() {
      return stderr.lines().filter(l -> l.startsWith("[stallwatch]")).toList();
    }
  }
}
