package dev.stallwatch;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stallwatch.testapps.LateAttachProgram;
import dev.stallwatch.testapps.websocket.LateAttachTomcat;
import dev.stallwatch.testing.ForkedJvm;
import dev.stallwatch.testing.Jdk;
import dev.stallwatch.testing.OtlpReceiver;
import dev.stallwatch.testing.RunningJvm;
import io.opentelemetry.proto.trace.v1.Span;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The agent attached to JVMs that are already running (the Attach API, as {@code jcmd <pid> JVMTI.agent_load} does),
 * configured only by its arguments: what the programs loaded and used before the attach is covered from then on.
 */
class LateAttachIT {
  private static final String ROOM = "dev.stallwatch.testapps.websocket.LateAttachTomcat$RoomEndpoint";
  /** A programmatic endpoint is named for its class. */
  private static final String ECHO = "dev.stallwatch.testapps.websocket.JakartaEndpoints$EchoEndpoint";

  static List<Jdk> jdks() {
    return Jdk.all();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("jdks")
  void aServingTomcatIsTracedFromTheAttachWithItsArgumentsInEffect(Jdk jdk) throws Exception {
    Path attached = signalFile();
    Path detections = detectionsFile();
    try (OtlpReceiver receiver = new OtlpReceiver();
        RunningJvm app = ForkedJvm.run(jdk, LateAttachTomcat.class, attached.toString())
            .withoutAgent()
            .classpathFrom("stallwatch.test.server.tomcat")
            .detectionsAt(detections)
            .start()) {
      app.awaitStdout("serving before the attach", Duration.ofSeconds(60));

      // The forked JVM runs with -Dotel.*.exporter=none: the arguments must win over them to export at all.
      app.loadAgent("stallwatch.runaway.threshold=500ms,stallwatch.detections.file=" + detections
          + ",otel.exporter.otlp.endpoint=" + receiver.endpoint() + ",otel.exporter.otlp.protocol=http/protobuf"
          + ",otel.traces.exporter=otlp,otel.metrics.exporter=otlp,otel.logs.exporter=otlp"
          + ",otel.metric.export.interval=300,otel.bsp.schedule.delay=100,otel.blrp.schedule.delay=100");
      Files.writeString(attached, "go");

      String line = app.awaitStderrMatching("\\[stallwatch\\] attached to the running JVM", Duration.ofSeconds(10));
      assertThat(line).contains("pid " + app.pid()).contains("the JDK's lock classes")
          .contains("detections go to stderr, " + detections).contains("OTLP logs (" + receiver.endpoint() + ")");
      Matcher websocketClasses = Pattern.compile("(\\d+) WebSocket class").matcher(line);
      assertThat(websocketClasses.find()).as(line).isTrue();
      // At least the endpoint, the echo endpoint's handler and Tomcat's annotated-endpoint wrapper.
      assertThat(Integer.parseInt(websocketClasses.group(1))).isGreaterThanOrEqualTo(3);

      // A 1.5 s handler is a runaway only under the argument's 500 ms (the default is 30 s).
      JsonNode runaway = app.awaitDetection(d -> d.path("kind").asText().equals("runaway")
          && d.path("phase").asText().equals("running"), Duration.ofSeconds(30));
      assertThat(runaway.path("operation").asText()).isEqualTo(ROOM + ".onMessage (/late/{room})");
      assertThat(runaway.path("stack").toString()).contains(ROOM + ".onMessage(");
      JsonNode error = app.awaitDetection("websocket_error", Duration.ofSeconds(30));
      assertThat(error.path("message").asText()).contains(ROOM + ".onMessage").contains("IllegalStateException");
      app.awaitStdout("done", Duration.ofSeconds(60));

      // The session opened before the attach is traced from its first message after it.
      receiver.awaitSpan(s -> s.getName().equals("websocket message " + ECHO), Duration.ofSeconds(10));
      Span open = receiver.awaitSpan(s -> s.getName().equals("websocket open /late/{room}"), Duration.ofSeconds(10));
      assertThat(OtlpReceiver.attribute(open.getAttributesList(), "websocket.endpoint")).isEqualTo("/late/{room}");
      List<Span> messages = receiver.spans().stream()
          .filter(s -> s.getName().equals("websocket message /late/{room}")).toList();
      assertThat(messages).as("hello, slow and corrupt after the attach; none from before").hasSize(3);
      assertThat(receiver.awaitCounter("websocket.sessions.opened", "websocket.endpoint", "/late/{room}",
          Duration.ofSeconds(10))).isEqualTo(1);
      assertThat(receiver.awaitCounter("websocket.messages.received", "websocket.endpoint", ECHO,
          Duration.ofSeconds(10))).isEqualTo(1);
      assertThat(app.stderr()).doesNotContain("could not");
      System.out.println(line);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("jdks")
  void aRunningBlockMethodAndALeakAfterTheAttachAreReportedAndPermitsFromBeforeAreNot(Jdk jdk) throws Exception {
    Path attached = signalFile();
    Path detections = detectionsFile();
    try (RunningJvm app = ForkedJvm.run(jdk, LateAttachProgram.class, attached.toString())
        .withoutAgent()
        .detectionsAt(detections)
        .start()) {
      app.awaitStdout("waiting", Duration.ofSeconds(60));

      app.loadAgent("stallwatch.blocks=LateAttachProgram#processBlock=500ms,stallwatch.permit.leak.threshold=1s,"
          + "stallwatch.detections.file=" + detections);
      Files.writeString(attached, "go");

      String line = app.awaitStderrMatching("\\[stallwatch\\] attached to the running JVM", Duration.ofSeconds(10));
      assertThat(line).contains("1 class with block methods").contains("1 class calling Semaphore");

      JsonNode runaway = app.awaitDetection(d -> d.path("kind").asText().equals("runaway")
          && d.path("phase").asText().equals("running"), Duration.ofSeconds(30));
      assertThat(runaway.path("operation").asText())
          .isEqualTo("dev.stallwatch.testapps.LateAttachProgram.processBlock");
      JsonNode leak = app.awaitDetection("permit_leak", Duration.ofSeconds(30));
      assertThat(leak.path("acquiredAt").asText())
          .matches("dev\\.stallwatch\\.testapps\\.LateAttachProgram\\.take\\(LateAttachProgram\\.java:\\d+\\)");
      assertThat(app.stdout()).contains("leaky taken");
      // The hoarded permit (same line, taken before the attach) is out far longer than the threshold: if it were
      // known it would be reported within a few scans of the leak.
      Thread.sleep(3_000);
      assertThat(app.detections("permit_leak")).as("only the permit taken after the attach").hasSize(1);

      app.loadAgent("stallwatch.permit.leak.threshold=5s");
      app.awaitStderrMatching("\\[stallwatch\\] already attached to this JVM; ignoring the second attach",
          Duration.ofSeconds(10));
      assertThat(app.stderr()).doesNotContain("could not");
    }
  }

  private static Path signalFile() throws Exception {
    Path file = Files.createTempFile("stallwatch-attached-", ".signal");
    Files.delete(file);
    return file;
  }

  private static Path detectionsFile() throws Exception {
    Path file = Files.createTempFile("stallwatch-late-detections-", ".jsonl");
    Files.delete(file);
    return file;
  }
}
