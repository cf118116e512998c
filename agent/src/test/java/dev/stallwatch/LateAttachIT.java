package dev.stallwatch;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stallwatch.testapps.LateAttachProgram;
import dev.stallwatch.testapps.webflux.LateAttachWebFlux;
import dev.stallwatch.testapps.websocket.LateAttachStomp;
import dev.stallwatch.testapps.websocket.LateAttachTomcat;
import dev.stallwatch.testing.ForkedJvm;
import dev.stallwatch.testing.Jdk;
import dev.stallwatch.testing.OtlpReceiver;
import dev.stallwatch.testing.RunningJvm;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
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
  private static final String CONTROLLER = "dev.stallwatch.testapps.websocket.SpringStompServer$ChatController";
  private static final String STOMP_SESSIONS = "org.springframework.web.socket.messaging.SubProtocolWebSocketHandler";
  private static final String WEBFLUX = "dev.stallwatch.testapps.webflux.WebFluxServer$";

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
  void aServingSpringStompAppHasItsMessagesTracedAndItsFailuresReportedFromTheAttach(Jdk jdk) throws Exception {
    Path attached = signalFile();
    Path detections = detectionsFile();
    try (OtlpReceiver receiver = new OtlpReceiver();
        RunningJvm app = ForkedJvm.run(jdk, LateAttachStomp.class, attached.toString())
            .withoutAgent()
            .classpathFrom("stallwatch.test.server.spring")
            .detectionsAt(detections)
            .start()) {
      app.awaitStdout("serving before the attach", Duration.ofSeconds(120));

      app.loadAgent(exportingTo(receiver, detections));
      Files.writeString(attached, "go");

      String line = app.awaitStderrMatching("\\[stallwatch\\] attached to the running JVM", Duration.ofSeconds(30));
      assertThat(line).as("StompSubProtocolHandler and AbstractMethodMessageHandler").contains("2 Spring STOMP classes")
          .doesNotContain("WebFlux");

      JsonNode error = app.awaitDetection("websocket_error", Duration.ofSeconds(60));
      assertThat(error.path("endpoint").asText()).isEqualTo("/app/fail");
      assertThat(error.path("handler").asText()).isEqualTo(CONTROLLER + ".fail");
      assertThat(error.path("exception").asText()).isEqualTo("java.lang.IllegalStateException");
      app.awaitStdout("done", Duration.ofSeconds(90));

      // The session opened before the attach: its next messages are handler spans, the one before is not.
      Span failed = receiver.awaitSpan(s -> s.getName().equals("websocket message /app/fail"), Duration.ofSeconds(10));
      assertThat(failed.getStatus().getCode()).isEqualTo(Status.StatusCode.STATUS_CODE_ERROR);
      List<Span> chat = receiver.spans().stream()
          .filter(s -> s.getName().equals("websocket message /app/chat/{room}")).toList();
      assertThat(chat).as("the chat line after the attach; none from before").singleElement().satisfies(s ->
          assertThat(OtlpReceiver.attribute(s.getAttributesList(), "code.function.name"))
              .isEqualTo(CONTROLLER + ".chat"));
      assertThat(receiver.awaitCounter("websocket.stomp.frames.received", "websocket.stomp.command", "SEND",
          Duration.ofSeconds(10))).isEqualTo(2);
      assertThat(receiver.awaitCounter("websocket.stomp.frames.received", "websocket.stomp.command", "DISCONNECT",
          Duration.ofSeconds(10))).as("the new session's and the old one's").isEqualTo(2);
      // Only the session opened after the attach is counted, so the old one's close takes nothing below zero.
      assertThat(receiver.awaitCounter("websocket.sessions.opened", "websocket.endpoint", STOMP_SESSIONS,
          Duration.ofSeconds(10))).isEqualTo(1);
      awaitUpDown(receiver, "websocket.sessions.active", STOMP_SESSIONS, 0L);
      assertThat(app.stderr()).doesNotContain("could not").doesNotContain("errors in the agent's hooks");
      System.out.println(line);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("jdks")
  void aServingWebFluxAppHasItsOpenSessionTracedFromItsNextMessageAndNewSessionsWhole(Jdk jdk) throws Exception {
    Path attached = signalFile();
    Path detections = detectionsFile();
    try (OtlpReceiver receiver = new OtlpReceiver();
        RunningJvm app = ForkedJvm.run(jdk, LateAttachWebFlux.class, attached.toString())
            .withoutAgent()
            .classpathFrom("stallwatch.test.server.webflux")
            .detectionsAt(detections)
            .start()) {
      app.awaitStdout("serving before the attach", Duration.ofSeconds(120));

      app.loadAgent(exportingTo(receiver, detections));
      Files.writeString(attached, "go");

      String line = app.awaitStderrMatching("\\[stallwatch\\] attached to the running JVM", Duration.ofSeconds(30));
      assertThat(line).as("the upgrade strategy, Reactor Netty's server operations, Spring's session support")
          .contains("3 Spring WebFlux classes").doesNotContain("STOMP");

      JsonNode error = app.awaitDetection("websocket_error", Duration.ofSeconds(60));
      assertThat(error.path("endpoint").asText()).isEqualTo(WEBFLUX + "FailingHandler");
      assertThat(error.path("exception").asText()).isEqualTo("java.lang.IllegalStateException");
      app.awaitStdout("done", Duration.ofSeconds(90));
      assertThat(app.stdout()).contains("reply echo hello after 2 kept");

      // The session open at the attach: each message from the next one is traced, named for its path (its handler
      // is known to nothing stallwatch can reach), with no session span to link to; it is not a counted session.
      receiver.awaitSpan(s -> s.getName().equals("websocket message /echo"), Duration.ofSeconds(10));
      assertThat(receiver.awaitCounter("websocket.messages.received", "websocket.endpoint", "/echo",
          Duration.ofSeconds(10))).isEqualTo(2);
      assertThat(receiver.awaitCounter("websocket.messages.sent", "websocket.endpoint", "/echo",
          Duration.ofSeconds(10))).isEqualTo(2);
      List<Span> old = receiver.spans().stream().filter(s -> s.getName().equals("websocket message /echo")).toList();
      assertThat(old).hasSize(2).allSatisfy(s -> {
        assertThat(s.getLinksList()).isEmpty();
        assertThat(OtlpReceiver.attribute(s.getAttributesList(), "thread.name")).startsWith("reactor-http");
      });
      assertThat(receiver.spans()).noneSatisfy(s -> assertThat(s.getName()).isEqualTo("websocket session /echo"));
      assertThat(receiver.counter("websocket.sessions.opened", "websocket.endpoint", "/echo")).isEmpty();
      assertThat(receiver.counter("websocket.sessions.closed", "websocket.endpoint", "/echo")).isEmpty();
      assertThat(receiver.lastUpDownValue("websocket.sessions.active", "websocket.endpoint", "/echo")).isEmpty();

      // A session opened after the attach is traced whole, as in a JVM started with the agent.
      Span session = receiver.awaitSpan(s -> s.getName().equals("websocket session " + WEBFLUX + "EchoHandler")
          && !s.getAttributesList().isEmpty(), Duration.ofSeconds(10));
      Span message = receiver.awaitSpan(s -> s.getName().equals("websocket message " + WEBFLUX + "EchoHandler"),
          Duration.ofSeconds(10));
      assertThat(message.getLinksList()).anySatisfy(l -> assertThat(l.getSpanId()).isEqualTo(session.getSpanId()));
      assertThat(receiver.awaitCounter("websocket.sessions.opened", "websocket.endpoint", WEBFLUX + "EchoHandler",
          Duration.ofSeconds(10))).isEqualTo(1);
      awaitUpDown(receiver, "websocket.sessions.active", WEBFLUX + "EchoHandler", 0L);
      Span failed = receiver.awaitSpan(s -> s.getName().equals("websocket session " + WEBFLUX + "FailingHandler"),
          Duration.ofSeconds(10));
      assertThat(failed.getStatus().getCode()).isEqualTo(Status.StatusCode.STATUS_CODE_ERROR);
      assertThat(app.stderr()).doesNotContain("could not").doesNotContain("errors in the agent's hooks");
      System.out.println(line);
    }
  }

  /** Agent arguments that export everything to {@code receiver} quickly and write detections to {@code file}. */
  private static String exportingTo(OtlpReceiver receiver, Path file) {
    return "stallwatch.detections.file=" + file + ",otel.exporter.otlp.endpoint=" + receiver.endpoint()
        + ",otel.exporter.otlp.protocol=http/protobuf,otel.traces.exporter=otlp,otel.metrics.exporter=otlp"
        + ",otel.logs.exporter=otlp,otel.metric.export.interval=300,otel.bsp.schedule.delay=100"
        + ",otel.blrp.schedule.delay=100";
  }

  /** Waits until the last exported value of an up-down counter is {@code expected}; fails with what it was. */
  private static void awaitUpDown(OtlpReceiver receiver, String name, String endpoint, long expected)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (System.nanoTime() < deadline
        && !receiver.lastUpDownValue(name, "websocket.endpoint", endpoint).equals(java.util.Optional.of(expected))) {
      Thread.sleep(100);
    }
    assertThat(receiver.lastUpDownValue(name, "websocket.endpoint", endpoint)).contains(expected);
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
    file.toFile().deleteOnExit(); // the forked program writes it; nothing is left in the temp directory
    return file;
  }

  private static Path detectionsFile() throws Exception {
    Path file = Files.createTempFile("stallwatch-late-detections-", ".jsonl");
    Files.delete(file);
    file.toFile().deleteOnExit(); // the forked program writes it; nothing is left in the temp directory
    return file;
  }
}
