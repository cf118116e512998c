package dev.stallwatch.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stallwatch.testapps.websocket.SpringStompServer;
import dev.stallwatch.testing.ForkedJvm;
import dev.stallwatch.testing.Jdk;
import dev.stallwatch.testing.OtlpReceiver;
import dev.stallwatch.testing.RunningJvm;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Spring's STOMP messaging on a Spring Boot 4 application ({@link SpringStompServer}) with real clients (Spring's
 * {@code WebSocketStompClient} over the standard WebSocket client, and the JDK's): a span per message an
 * {@code @MessageMapping} or {@code @SubscribeMapping} method handled, named by the destination template; client
 * frames counted by command; an exception no {@code @MessageExceptionHandler} takes is one {@code websocket_error}
 * detection, a handled one is not; a slow handler is a runaway; STOMP sessions opened and closed once each, and a
 * client that disconnects or drops its connection is no error.
 */
class SpringStompIT {
  private static final String CONTROLLER = "dev.stallwatch.testapps.websocket.SpringStompServer$ChatController";
  private static final String SESSIONS = "org.springframework.web.socket.messaging.SubProtocolWebSocketHandler";

  static List<Jdk> jdks() {
    return Jdk.all();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("jdks")
  void stompMessagesAreHandlerSpansFramesAreCountedAndFailuresReportedOnce(Jdk jdk) throws Exception {
    try (OtlpReceiver receiver = new OtlpReceiver()) {
      RunningJvm.Result result = ForkedJvm.run(jdk, SpringStompServer.class, "2000")
          .classpathFrom("stallwatch.test.server.spring")
          .exportTo(receiver)
          .property("stallwatch.runaway.threshold", "500ms")
          .runToEnd(Duration.ofSeconds(120));
      assertThat(result.exitCode()).as(result.stderr()).isZero();
      assertThat(result.stdout()).contains("greeting hello").contains("chat reply 21").contains("chat slow reply")
          .contains("handled rejected chat line").contains("disconnected").contains("raw client got CONNECTED")
          .contains("raw client disconnected; the server closed with 1002").contains("raw client dropped")
          .contains("done");

      // One span per handled message, named by the destination template (two rooms, one name).
      receiver.awaitSpan(s -> s.getName().equals("websocket message /app/slow"), Duration.ofSeconds(10));
      List<Span> chat = spans(receiver, "websocket message /app/chat/{room}");
      assertThat(chat).hasSize(6).allSatisfy(s -> {
        assertThat(s.getKind()).isEqualTo(Span.SpanKind.SPAN_KIND_CONSUMER);
        assertThat(attribute(s, "websocket.endpoint")).isEqualTo("/app/chat/{room}");
        assertThat(attribute(s, "messaging.destination.template")).isEqualTo("/app/chat/{room}");
        assertThat(attribute(s, "websocket.stomp.command")).isEqualTo("SEND");
        assertThat(attribute(s, "code.function.name")).isEqualTo(CONTROLLER + ".chat");
        assertThat(s.getStatus().getCode()).isNotEqualTo(Status.StatusCode.STATUS_CODE_ERROR);
        assertThat(s.getParentSpanId().isEmpty()).as("each handled message is a trace of its own").isTrue();
      });
      assertThat(chat.stream().map(Span::getTraceId).distinct()).hasSize(6);
      assertThat(receiver.spans()).as("the concrete destination never names a span")
          .noneSatisfy(s -> assertThat(s.getName()).contains("room-"));
      Span greeting = receiver.awaitSpan(s -> s.getName().equals("websocket message /app/greeting"),
          Duration.ofSeconds(5));
      assertThat(attribute(greeting, "websocket.stomp.command")).isEqualTo("SUBSCRIBE");
      assertThat(attribute(greeting, "code.function.name")).isEqualTo(CONTROLLER + ".greeting");
      assertThat(receiver.spans().stream().map(Span::getName).filter(n -> n.startsWith("websocket message ")).distinct())
          .as("a span only for what an application method handled: not the CONNECT, nor the SUBSCRIBE to the broker")
          .containsExactlyInAnyOrder("websocket message /app/chat/{room}", "websocket message /app/greeting",
              "websocket message /app/fail", "websocket message /app/handled", "websocket message /app/slow");
      assertThat(receiver.spans()).as("no span for Spring's raw frame handler: the handler's span is the message's")
          .noneSatisfy(s -> assertThat(s.getName()).startsWith("websocket message org.springframework"));

      // The exception nothing handles: on its span, and one detection.
      Span failed = receiver.awaitSpan(s -> s.getName().equals("websocket message /app/fail"), Duration.ofSeconds(5));
      assertThat(failed.getStatus().getCode()).isEqualTo(Status.StatusCode.STATUS_CODE_ERROR);
      assertThat(attribute(failed, "error.type")).isEqualTo("java.lang.IllegalStateException");
      assertThat(attribute(failed, "websocket.stomp.error.handled")).isEqualTo("false");
      assertThat(failed.getEventsList()).extracting(e -> e.getName())
          .containsExactlyInAnyOrder("exception", "stallwatch.detection");
      List<JsonNode> errors = detections(result, "websocket_error");
      assertThat(errors).as("one detection: the unhandled exception only").singleElement().satisfies(d -> {
        assertThat(d.path("endpoint").asText()).isEqualTo("/app/fail");
        assertThat(d.path("handler").asText()).isEqualTo(CONTROLLER + ".fail");
        assertThat(d.path("exception").asText()).isEqualTo("java.lang.IllegalStateException");
        assertThat(d.path("stompCommand").asText()).isEqualTo("SEND");
        assertThat(d.path("message").asText()).contains("no @MessageExceptionHandler handled it");
        assertThat(d.path("stack").get(0).asText()).startsWith(CONTROLLER + ".fail(");
      });
      assertThat(receiver.awaitLogRecord(r -> r.getBody().getStringValue().contains("/app/fail"),
          Duration.ofSeconds(10)).getSpanId()).as("the detection's log record is in the handler's trace")
          .isEqualTo(failed.getSpanId());

      // The exception an @MessageExceptionHandler handled: the application's decision, counted, not reported.
      Span handled = receiver.awaitSpan(s -> s.getName().equals("websocket message /app/handled"),
          Duration.ofSeconds(5));
      assertThat(handled.getStatus().getCode()).isEqualTo(Status.StatusCode.STATUS_CODE_ERROR);
      assertThat(attribute(handled, "error.type")).isEqualTo("java.lang.IllegalArgumentException");
      assertThat(attribute(handled, "websocket.stomp.error.handled")).isEqualTo("true");
      assertThat(handled.getEventsList()).extracting(e -> e.getName()).containsExactly("exception");
      assertThat(receiver.awaitCounter("websocket.handler.errors", "websocket.endpoint", "/app/handled",
          Duration.ofSeconds(5))).isEqualTo(1);
      assertThat(receiver.awaitCounter("websocket.handler.errors", "websocket.endpoint", "/app/fail",
          Duration.ofSeconds(5))).isEqualTo(1);

      // The slow handler: a runaway while it runs, with its live stack, and once more when it ends.
      List<JsonNode> runaways = detections(result, "runaway").stream()
          .filter(d -> d.path("operation").asText().contains(".slow")).toList();
      assertThat(runaways).extracting(d -> d.path("phase").asText()).containsExactly("running", "ended");
      assertThat(runaways.get(0).path("operation").asText()).isEqualTo(CONTROLLER + ".slow (/app/slow)");
      assertThat(runaways.get(0).path("stack").toString()).contains(CONTROLLER + ".slow(");
      Span slow = spans(receiver, "websocket message /app/slow").get(0);
      assertThat(attribute(slow, "stallwatch.runaway")).isEqualTo("true");

      // Client frames by command: Spring's client's CONNECT, two SUBSCRIBEs, nine SENDs and a DISCONNECT, and the
      // JDK clients' two CONNECTs and a DISCONNECT (the DISCONNECT Spring makes up when a session ends is not a
      // client's frame).
      assertThat(frames(receiver, "CONNECT")).isEqualTo(3);
      assertThat(frames(receiver, "SUBSCRIBE")).isEqualTo(2);
      assertThat(frames(receiver, "SEND")).isEqualTo(9);
      assertThat(frames(receiver, "DISCONNECT")).isEqualTo(2);

      // The STOMP sessions, from Spring's side, once each; a client's DISCONNECT (after which Spring closes with 1002
      // when it gets there before the client's own close, 1000) and a dropped connection (1006) are no error.
      receiver.awaitSpan(s -> s.getName().equals("websocket close " + SESSIONS)
          && "1006".equals(longAttribute(s, "websocket.close.code")), Duration.ofSeconds(10));
      assertThat(spans(receiver, "websocket open " + SESSIONS)).hasSize(3);
      List<Span> closes = spans(receiver, "websocket close " + SESSIONS);
      assertThat(closes).hasSize(3).allSatisfy(s ->
          assertThat(s.getStatus().getCode()).isNotEqualTo(Status.StatusCode.STATUS_CODE_ERROR));
      List<String> codes = closes.stream().map(s -> longAttribute(s, "websocket.close.code")).sorted().toList();
      assertThat(codes).as("Spring's client's close, the JDK client's DISCONNECT, the dropped connection")
          .isIn(List.of("1000", "1002", "1006"), List.of("1002", "1002", "1006"));
      assertThat(receiver.awaitCounter("websocket.sessions.opened", "websocket.endpoint", SESSIONS,
          Duration.ofSeconds(5))).isEqualTo(3);
      assertThat(receiver.lastUpDownValue("websocket.sessions.active", "websocket.endpoint", SESSIONS))
          .as("sessions go back to zero").contains(0L);
      assertThat(spans(receiver, "websocket error " + SESSIONS)).as("the dropped connection: the peer went away")
          .allSatisfy(s -> {
            assertThat(attribute(s, "websocket.peer_gone")).isEqualTo("true");
            assertThat(s.getStatus().getCode()).isNotEqualTo(Status.StatusCode.STATUS_CODE_ERROR);
          });
      assertThat(result.agentLines().stream().filter(line -> !line.startsWith("[stallwatch] health:")))
          .as("nothing from the agent on stderr but the detections").allSatisfy(line ->
              assertThat(line).matches("\\[stallwatch\\] (websocket_error|runaway): .*"));

      assertThat(receiver.everythingReceived()).as("no payload in any telemetry").doesNotContain("PAYLOAD-SECRET");
    }
  }

  private static List<JsonNode> detections(RunningJvm.Result result, String kind) {
    return result.detections().stream().filter(d -> d.path("kind").asText().equals(kind)).toList();
  }

  private static long frames(OtlpReceiver receiver, String command) throws InterruptedException {
    return receiver.awaitCounter("websocket.stomp.frames.received", "websocket.stomp.command", command,
        Duration.ofSeconds(5));
  }

  private static List<Span> spans(OtlpReceiver receiver, String name) {
    return receiver.spans().stream().filter(s -> s.getName().equals(name)).toList();
  }

  private static String attribute(Span span, String key) {
    return OtlpReceiver.attribute(span.getAttributesList(), key);
  }

  private static String longAttribute(Span span, String key) {
    return span.getAttributesList().stream().filter(a -> a.getKey().equals(key))
        .map(a -> String.valueOf(a.getValue().getIntValue())).findFirst().orElse(null);
  }
}
