package dev.stallwatch.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stallwatch.testapps.websocket.TomcatServer;
import dev.stallwatch.testing.ForkedJvm;
import dev.stallwatch.testing.Jdk;
import dev.stallwatch.testing.OtlpReceiver;
import dev.stallwatch.testing.RunningJvm;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Handler calls whose spans the sampler drops (no attributes are built for them) still count in full: with
 * {@code otel.traces.sampler=always_off} the block-rewrite service on Tomcat yields its message, size, session and
 * error metrics and its {@code websocket_error} detection, and no span.
 */
class UnsampledWebSocketSpansIT {
  private static final int MESSAGES = 5;
  private static final String ECHO = "dev.stallwatch.testapps.websocket.JakartaEndpoints$EchoEndpoint";
  private static final String REWRITE = "/rewrite/{document}";

  static List<Jdk> jdks() {
    return Jdk.all();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("jdks")
  void metricsAndDetectionsArriveWhenNoSpanIsSampled(Jdk jdk) throws Exception {
    try (OtlpReceiver receiver = new OtlpReceiver()) {
      RunningJvm.Result result = ForkedJvm.run(jdk, TomcatServer.class, String.valueOf(MESSAGES))
          .classpathFrom("stallwatch.test.server.tomcat")
          .exportTo(receiver)
          .property("otel.traces.sampler", "always_off")
          .property("stallwatch.blocks", "JakartaEndpoints$RewriteEndpoint#rewriteBlock")
          .runToEnd(Duration.ofSeconds(90));
      assertThat(result.exitCode()).as(result.stderr()).isZero();
      assertThat(result.stdout()).contains("done");

      assertThat(result.detections()).filteredOn(d -> d.path("kind").asText().equals("websocket_error")
          && d.path("endpoint").asText().equals(REWRITE)).hasSize(1);
      assertThat(receiver.awaitCounter("websocket.handler.errors", "websocket.endpoint", REWRITE,
          Duration.ofSeconds(10))).isGreaterThanOrEqualTo(1);
      assertThat(receiver.awaitCounter("websocket.messages.received", "websocket.endpoint", ECHO,
          Duration.ofSeconds(10))).isEqualTo(MESSAGES);
      assertThat(receiver.awaitCounter("websocket.messages.sent", "websocket.endpoint", ECHO,
          Duration.ofSeconds(10))).isEqualTo(MESSAGES);
      assertThat(receiver.awaitCounter("websocket.sessions.closed", "websocket.close.code", "1011",
          Duration.ofSeconds(10))).isEqualTo(1);
      long sized = receiver.metrics("websocket.message.received.size").stream()
          .flatMap(m -> m.getHistogram().getDataPointsList().stream())
          .filter(p -> ECHO.equals(OtlpReceiver.attribute(p.getAttributesList(), "websocket.endpoint")))
          .mapToLong(HistogramDataPoint::getCount).max().orElse(-1);
      assertThat(sized).as("received sizes recorded").isEqualTo(MESSAGES);
      assertThat(receiver.spans()).as("no span is sampled").isEmpty();
    }
  }
}
