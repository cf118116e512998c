package dev.stallwatch.instrumentation.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stallwatch.testapps.websocket.JettyServer;
import dev.stallwatch.testapps.websocket.TomcatServer;
import dev.stallwatch.testapps.websocket.TyrusServer;
import dev.stallwatch.testing.ForkedJvm;
import dev.stallwatch.testing.Jdk;
import dev.stallwatch.testing.OtlpReceiver;
import dev.stallwatch.testing.RunningJvm;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The same endpoints (annotated and programmatic) on real servers — embedded Tomcat 11 and Jetty 12 (Jakarta), Tyrus
 * 1 (javax) — with a real client: spans per message and lifecycle callback over real OTLP, the 1011 close of a failed
 * handler, the websocket_error detection, session and message metrics, and no payload anywhere.
 */
class WebSocketServersIT {
  private static final int MESSAGES = 5;
  private static final String REWRITE = "/rewrite/{document}";

  /** A server program, the build property naming its jars, and the package of the endpoint classes it runs. */
  record Server(String name, Class<?> main, String classpathProperty, String endpoints, int closeCodeOnError) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Arguments> serversAndJdks() {
    List<Server> servers = List.of(
        new Server("Tomcat 11", TomcatServer.class, "stallwatch.test.server.tomcat", "JakartaEndpoints", 1011),
        // Jetty closes a session whose handler threw by itself, with 1003, before the endpoint's own close (1011).
        new Server("Jetty 12", JettyServer.class, "stallwatch.test.server.jetty", "JakartaEndpoints", 1003),
        new Server("Tyrus 1 (javax)", TyrusServer.class, "stallwatch.test.server.tyrus", "JavaxEndpoints", 1011));
    return servers.stream().flatMap(server -> Jdk.all().stream().map(jdk -> Arguments.of(server, jdk)));
  }

  @ParameterizedTest(name = "{0} on {1}")
  @MethodSource("serversAndJdks")
  void messagesLifecycleErrorsAndSessionsArriveAsSpansMetricsAndDetections(Server server, Jdk jdk)
      throws Exception {
    String endpoints = "dev.stallwatch.testapps.websocket." + server.endpoints();
    String echo = endpoints + "$EchoEndpoint";
    try (OtlpReceiver receiver = new OtlpReceiver()) {
      RunningJvm.Result result = ForkedJvm.run(jdk, server.main(), String.valueOf(MESSAGES))
          .classpathFrom(server.classpathProperty())
          .exportTo(receiver)
          .property("stallwatch.blocks", server.endpoints() + "$RewriteEndpoint#rewriteBlock")
          .runToEnd(Duration.ofSeconds(60));
      assertThat(result.exitCode()).as(result.stderr()).isZero();
      assertThat(result.stdout()).contains("rewrite session closed by the server with " + server.closeCodeOnError())
          .contains("echo session closed with 1000").contains("done");
      assertThat(result.agentLines()).as("nothing but the detection on stderr")
          .allSatisfy(line -> assertThat(line).startsWith("[stallwatch] websocket_error:"));

      // One message span per message handled: MESSAGES good ones and the corrupt one at /rewrite, MESSAGES at /echo.
      receiver.awaitSpan(s -> s.getName().equals("websocket close " + echo), Duration.ofSeconds(10));
      List<Span> rewrites = spans(receiver, "websocket message " + REWRITE);
      assertThat(rewrites).hasSize(MESSAGES + 1).allSatisfy(s -> {
        assertThat(s.getKind()).isEqualTo(Span.SpanKind.SPAN_KIND_CONSUMER);
        assertThat(attribute(s, "websocket.endpoint")).isEqualTo(REWRITE);
        assertThat(attribute(s, "websocket.event")).isEqualTo("message");
        assertThat(attribute(s, "websocket.message.type")).isEqualTo("text");
        assertThat(attribute(s, "code.function.name"))
            .isEqualTo(endpoints + "$RewriteEndpoint.rewrite");
      });
      assertThat(rewrites).filteredOn(s -> "22".equals(longAttribute(s, "websocket.message.size")))
          .as("\"block 0 PAYLOAD-SECRET\" is 22 bytes").hasSize(MESSAGES);
      assertThat(spans(receiver, "websocket message " + endpoints))
          .as("a MessageHandler nested in an endpoint is named for the endpoint class").isEmpty();
      assertThat(spans(receiver, "websocket message " + echo)).hasSize(MESSAGES);

      Span failed = rewrites.stream().filter(s -> s.getStatus().getCode() == Status.StatusCode.STATUS_CODE_ERROR)
          .collect(java.util.stream.Collectors.toList()).get(0);
      assertThat(attribute(failed, "error.type")).isEqualTo("java.lang.IllegalStateException");
      assertThat(failed.getEventsList()).anySatisfy(e -> assertThat(e.getName()).isEqualTo("exception"));

      Span block = receiver.awaitSpan(s -> s.getName().equals(server.endpoints() + "$RewriteEndpoint.rewriteBlock"), Duration.ofSeconds(5));
      assertThat(rewrites).as("block spans are children of the message span that called them")
          .anySatisfy(s -> assertThat(s.getSpanId()).isEqualTo(block.getParentSpanId()));

      Span closedWithError = receiver.awaitSpan(s -> s.getName().equals("websocket close " + REWRITE),
          Duration.ofSeconds(5));
      assertThat(longAttribute(closedWithError, "websocket.close.code"))
          .isEqualTo(String.valueOf(server.closeCodeOnError()));
      if (server.closeCodeOnError() == 1011) {
        assertThat(attribute(closedWithError, "websocket.close.reason")).isEqualTo("rewrite failed");
      }
      assertThat(closedWithError.getStatus().getCode()).isEqualTo(Status.StatusCode.STATUS_CODE_ERROR);
      Span closedNormally = receiver.awaitSpan(s -> s.getName().equals("websocket close " + echo),
          Duration.ofSeconds(5));
      assertThat(longAttribute(closedNormally, "websocket.close.code")).isEqualTo("1000");
      assertThat(closedNormally.getStatus().getCode()).isNotEqualTo(Status.StatusCode.STATUS_CODE_ERROR);
      assertThat(spans(receiver, "websocket open " + REWRITE)).hasSize(1);
      assertThat(spans(receiver, "websocket error " + REWRITE)).hasSize(1);

      JsonNode detection = websocketErrors(result).get(0);
      assertThat(detection.path("endpoint").asText()).isEqualTo(REWRITE);
      assertThat(detection.path("exception").asText()).isEqualTo("java.lang.IllegalStateException");
      assertThat(detection.path("stack").get(0).asText())
          .startsWith(endpoints + "$RewriteEndpoint.rewrite(");
      assertThat(websocketErrors(result)).as("reported once per endpoint and type").hasSize(1);

      assertThat(receiver.awaitCounter("websocket.handler.errors", "websocket.endpoint", REWRITE,
          Duration.ofSeconds(5))).isGreaterThanOrEqualTo(1);
      assertThat(receiver.awaitCounter("websocket.messages.received", "websocket.endpoint", echo,
          Duration.ofSeconds(5))).isEqualTo(MESSAGES);
      assertThat(receiver.awaitCounter("websocket.sessions.opened", "websocket.endpoint", REWRITE,
          Duration.ofSeconds(5))).isEqualTo(1);
      assertThat(receiver.lastUpDownValue("websocket.sessions.active", "websocket.endpoint", REWRITE))
          .as("sessions go back to zero").contains(0L);
      assertThat(receiver.lastUpDownValue("websocket.sessions.active", "websocket.endpoint", echo)).contains(0L);
      assertThat(receiver.metrics("websocket.sessions.active").stream()
          .flatMap(m -> m.getSum().getDataPointsList().stream()).mapToLong(p -> p.getAsInt()).max())
          .as("and were up while open").hasValue(1L);

      assertThat(receiver.everythingReceived()).as("no payload text in any telemetry")
          .doesNotContain("PAYLOAD-SECRET").doesNotContain("corrupt block");
    }
  }

  private static List<JsonNode> websocketErrors(RunningJvm.Result result) {
    return result.detections().stream().filter(d -> d.path("kind").asText().equals("websocket_error")).toList();
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
