package dev.stallwatch.permits;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stallwatch.testapps.websocket.TomcatClientResets;
import dev.stallwatch.testing.ForkedJvm;
import dev.stallwatch.testing.Jdk;
import dev.stallwatch.testing.RunningJvm;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Real Tomcat, real clients that reset their connection while the server is sending: the permits Tomcat abandons in
 * its own per-connection semaphores ({@code SocketWrapperBase}, {@code WsRemoteEndpointImplBase}) are no permit_leak,
 * and the permits it returns from its completion handlers (other threads) are balanced, while a permit an application
 * thread keeps in the same JVM still is a leak.
 */
class ContainerPermitsAfterClientResetIT {
  private static final int CLIENTS = 8;

  static List<Jdk> jdks() {
    return Jdk.all();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("jdks")
  void clientResetsLeaveNoPermitLeakOnTomcatsSemaphoresAndTheApplicationsLeakIsReported(Jdk jdk) throws Exception {
    try (RunningJvm app = ForkedJvm.run(jdk, TomcatClientResets.class, String.valueOf(CLIENTS))
        .classpathFrom("stallwatch.test.server.tomcat")
        .property("stallwatch.permit.leak.threshold", "1s")
        .start()) {
      app.awaitStdout("clients reset: " + CLIENTS, Duration.ofSeconds(90));
      app.awaitStdout("leaked one; available 2", Duration.ofSeconds(20));

      JsonNode leak = app.awaitDetection(d -> "permit_leak".equals(d.path("kind").asText())
          && d.path("acquiredAt").asText().contains("TomcatClientResets"), Duration.ofSeconds(10));
      assertThat(leak.path("acquiredAt").asText())
          .startsWith("dev.stallwatch.testapps.websocket.TomcatClientResets.takeAndForget(");
      assertThat(leak.path("thread").asText()).isEqualTo("leaky-worker");
      Thread.sleep(2_500); // every Tomcat permit taken during the resets is older than the threshold by now

      assertThat(app.detections("permit_leak")).as(app.describe())
          .extracting(d -> d.path("acquiredAt").asText()).allSatisfy(site -> assertThat(site)
              .doesNotContain("org.apache.tomcat").doesNotContain("org.apache.coyote"))
          .hasSize(1);
    }
  }
}
