package dev.stallwatch.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stallwatch.testapps.webflux.WebFluxServer;
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
 * Spring Boot WebFlux on Reactor Netty with the JDK's WebSocket client ({@link WebFluxServer}): session spans with
 * their close status, message spans and counters in and out, a failing pipeline reported once, a {@code map} that
 * blocks the event loop reported as a runaway while it blocks, and clients that close or abort reported as nothing.
 */
class WebFluxWebSocketIT {
  private static final String APP = "dev.stallwatch.testapps.webflux.WebFluxServer$";
  private static final String ECHO = APP + "EchoHandler";
  private static final String SLOW = APP + "Slow";
  private static final String FAIL = APP + "FailingHandler";
  private static final String TICKS = APP + "TickHandler";

  static List<Jdk> jdks() {
    return Jdk.all();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("jdks")
  void reactiveSessionsMessagesErrorsAndRunawaysAreTraced(Jdk jdk) throws Exception {
    try (OtlpReceiver receiver = new OtlpReceiver()) {
      RunningJvm.Result result = ForkedJvm.run(jdk, WebFluxServer.class)
          .classpathFrom("stallwatch.test.server.webflux")
          .exportTo(receiver)
          .property("stallwatch.runaway.threshold", "500ms")
          .runToEnd(Duration.ofSeconds(120));
      assertThat(result.exitCode()).as(result.stdout() + result.stderr()).isZero();
      // Reactor's context reaches the application's operators as without the agent.
      assertThat(result.stdout()).contains("reply echo hello 3 kept").contains("slow reply done block")
          .contains("done");
      assertThat(result.stderr()).doesNotContain("could not instrument");

      // The session: open to close, with the close status the client sent.
      Span echoSession = receiver.awaitSpan(s -> s.getName().equals("websocket session " + ECHO)
          && !s.getAttributesList().isEmpty(), Duration.ofSeconds(20));
      assertThat(echoSession.getKind()).isEqualTo(Span.SpanKind.SPAN_KIND_INTERNAL);
      assertThat(OtlpReceiver.attribute(echoSession.getAttributesList(), "websocket.close.code")).isEqualTo("1000");
      assertThat(OtlpReceiver.attribute(echoSession.getAttributesList(), "websocket.close.reason")).isEqualTo("bye");
      assertThat(echoSession.getStatus().getCode()).isNotEqualTo(Status.StatusCode.STATUS_CODE_ERROR);

      // Each inbound message: a consumer span linked to its session, on the event loop.
      Span message = receiver.awaitSpan(s -> s.getName().equals("websocket message " + ECHO),
          Duration.ofSeconds(20));
      assertThat(message.getKind()).isEqualTo(Span.SpanKind.SPAN_KIND_CONSUMER);
      assertThat(message.getLinksList()).anySatisfy(l -> assertThat(l.getSpanId()).isEqualTo(echoSession.getSpanId()));
      assertThat(OtlpReceiver.attribute(message.getAttributesList(), "websocket.message.type")).isEqualTo("text");
      assertThat(OtlpReceiver.attribute(message.getAttributesList(), "thread.name")).startsWith("reactor-http");
      assertThat(receiver.awaitCounter("websocket.messages.received", "websocket.endpoint", ECHO,
          Duration.ofSeconds(20))).isEqualTo(3);
      assertThat(receiver.awaitCounter("websocket.messages.sent", "websocket.endpoint", ECHO,
          Duration.ofSeconds(20))).isEqualTo(3);
      assertThat(receiver.awaitCounter("websocket.sessions.opened", "websocket.endpoint", TICKS,
          Duration.ofSeconds(20))).isEqualTo(2);
      assertThat(receiver.awaitCounter("websocket.sessions.closed", "websocket.endpoint", TICKS,
          Duration.ofSeconds(20))).isEqualTo(1); // one per close code: 1000 and 1006
      assertThat(receiver.lastUpDownValue("websocket.sessions.active", "websocket.endpoint", TICKS)).contains(0L);

      // The blocking map: a runaway while it blocks the event loop, with the live stack, then its end.
      List<JsonNode> runaways = result.detections().stream()
          .filter(d -> d.path("kind").asText().equals("runaway")).toList();
      assertThat(runaways).as(result.detections().toString()).hasSize(2);
      JsonNode running = runaways.get(0);
      assertThat(running.path("phase").asText()).isEqualTo("running");
      assertThat(running.path("operation").asText())
          .isEqualTo("message of " + SLOW + " (WebFlux, on the Reactor Netty event loop)");
      assertThat(running.path("thread").asText()).startsWith("reactor-http");
      assertThat(running.path("stack").toString()).contains("java.lang.Thread.sleep").contains(SLOW + ".lambda$");
      assertThat(runaways.get(1).path("phase").asText()).isEqualTo("ended");
      Span slow = receiver.awaitSpan(s -> s.getName().equals("websocket message " + SLOW), Duration.ofSeconds(20));
      assertThat(OtlpReceiver.attribute(slow.getAttributesList(), "stallwatch.runaway")).isEqualTo("true");

      // The failing pipeline: one detection, and the session span's status is an error.
      List<JsonNode> errors = result.detections().stream()
          .filter(d -> d.path("kind").asText().equals("websocket_error")).toList();
      assertThat(errors).as(result.detections().toString()).hasSize(1);
      JsonNode error = errors.get(0);
      assertThat(error.path("endpoint").asText()).isEqualTo(FAIL);
      assertThat(error.path("exception").asText()).isEqualTo("java.lang.IllegalStateException");
      assertThat(error.path("stack").toString()).contains(FAIL + ".lambda$");
      Span failed = receiver.awaitSpan(s -> s.getName().equals("websocket session " + FAIL), Duration.ofSeconds(20));
      assertThat(failed.getStatus().getCode()).isEqualTo(Status.StatusCode.STATUS_CODE_ERROR);
      assertThat(failed.getEventsList()).anySatisfy(e -> assertThat(e.getName()).isEqualTo("exception"));

      // The trap: clients that close (normally, or by dropping the connection) are not errors.
      List<Span> ticks = receiver.spans().stream().filter(s -> s.getName().equals("websocket session " + TICKS))
          .toList();
      assertThat(ticks).hasSize(2);
      assertThat(ticks).allSatisfy(s ->
          assertThat(s.getStatus().getCode()).isNotEqualTo(Status.StatusCode.STATUS_CODE_ERROR));
      assertThat(ticks).extracting(s -> OtlpReceiver.attribute(s.getAttributesList(), "websocket.close.code"))
          .containsExactlyInAnyOrder("1000", "1006"); // the normal close, and the connection dropped
      assertThat(receiver.awaitCounter("websocket.handler.errors", "websocket.endpoint", FAIL, Duration.ofSeconds(20)))
          .isEqualTo(1);
      assertThat(receiver.counter("websocket.handler.errors", "websocket.endpoint", TICKS)).isEmpty();
      assertThat(result.stderr()).doesNotContain("errors in the agent's hooks");
    }
  }
}
