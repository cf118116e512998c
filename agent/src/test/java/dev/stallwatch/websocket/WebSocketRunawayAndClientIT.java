package dev.stallwatch.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stallwatch.testapps.websocket.SlowHandlerAndClientEndpoint;
import dev.stallwatch.testing.ForkedJvm;
import dev.stallwatch.testing.Jdk;
import dev.stallwatch.testing.OtlpReceiver;
import dev.stallwatch.testing.RunningJvm;
import io.opentelemetry.proto.trace.v1.Span;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A WebSocket handler running past the runaway threshold is reported while it runs, with its live stack, and once
 * more when it ends; a client endpoint's handler (Tomcat's Jakarta client) is traced like a server's.
 */
class WebSocketRunawayAndClientIT {
  private static final String SERVER = "dev.stallwatch.testapps.websocket.SlowHandlerAndClientEndpoint$SlowEndpoint";
  private static final String CLIENT = "dev.stallwatch.testapps.websocket.SlowHandlerAndClientEndpoint$ReplyListener";

  static List<Jdk> jdks() {
    return Jdk.all();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("jdks")
  void aSlowHandlerIsARunawayAndClientHandlersAreTraced(Jdk jdk) throws Exception {
    try (OtlpReceiver receiver = new OtlpReceiver()) {
      RunningJvm.Result result = ForkedJvm.run(jdk, SlowHandlerAndClientEndpoint.class)
          .classpathFrom("stallwatch.test.server.tomcat")
          .exportTo(receiver)
          .property("stallwatch.runaway.threshold", "500ms")
          .runToEnd(Duration.ofSeconds(60));
      assertThat(result.exitCode()).as(result.stderr()).isZero();
      assertThat(result.stdout()).contains("reply received").contains("done");

      List<JsonNode> runaways = result.detections().stream()
          .filter(d -> d.path("kind").asText().equals("runaway")).toList();
      assertThat(runaways).hasSize(2);
      JsonNode running = runaways.get(0);
      assertThat(running.path("phase").asText()).isEqualTo("running");
      assertThat(running.path("operation").asText()).isEqualTo(SERVER + ".rewriteEverything (/slow)");
      assertThat(running.path("message").asText()).startsWith("The websocket ");
      assertThat(running.path("stack").toString()).contains(SERVER + ".rewriteEverything(");
      assertThat(runaways.get(1).path("phase").asText()).isEqualTo("ended");

      Span slow = receiver.awaitSpan(s -> s.getName().equals("websocket message /slow"), Duration.ofSeconds(10));
      assertThat(slow.getAttributesList()).anySatisfy(a -> {
        assertThat(a.getKey()).isEqualTo("stallwatch.runaway");
        assertThat(a.getValue().getBoolValue()).isTrue();
      });
      Span client = receiver.awaitSpan(s -> s.getName().equals("websocket message " + CLIENT),
          Duration.ofSeconds(10));
      assertThat(client.getKind()).isEqualTo(Span.SpanKind.SPAN_KIND_CONSUMER);
      assertThat(OtlpReceiver.attribute(client.getAttributesList(), "code.function.name"))
          .isEqualTo(CLIENT + ".reply");
    }
  }
}
