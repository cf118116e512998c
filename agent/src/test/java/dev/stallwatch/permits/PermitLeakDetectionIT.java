package dev.stallwatch.permits;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stallwatch.testapps.PermitLeakOnTimeout;
import dev.stallwatch.testapps.PermitTraps;
import dev.stallwatch.testapps.VirtualThreadPermitLeak;
import dev.stallwatch.testing.ForkedJvm;
import dev.stallwatch.testing.Jdk;
import dev.stallwatch.testing.RunningJvm;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** A permit not released within the threshold is reported once, naming the line that took it. */
class PermitLeakDetectionIT {
  static List<Jdk> jdks() {
    return Jdk.all();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("jdks")
  void permitLostOnATimeoutPathIsReportedOnceWithItsAcquiringLine(Jdk jdk) throws Exception {
    try (RunningJvm app = ForkedJvm.run(jdk, PermitLeakOnTimeout.class, "10000", "7777")
        .property("stallwatch.permit.leak.threshold", "1s")
        .start()) {
      app.awaitStdout("calls done; available 3", Duration.ofSeconds(60));

      JsonNode leak = app.awaitDetection("permit_leak", Duration.ofSeconds(5));

      assertThat(leak.get("thread").asText()).isEqualTo("main");
      assertThat(leak.get("phase").asText()).isEqualTo("leaked");
      assertThat(leak.get("acquiredAt").asText())
          .matches("dev\\.stallwatch\\.testapps\\.PermitLeakOnTimeout\\.rewriteBlock\\(PermitLeakOnTimeout\\.java:\\d+\\)");
      assertThat(leak.get("stack").get(0).asText()).isEqualTo(leak.get("acquiredAt").asText());
      assertThat(leak.get("semaphore").asText()).startsWith("java.util.concurrent.Semaphore@");
      // 4 slots, 1 leaked: 3 free, or 2 when the report came while a later call held one (on a busy machine the
      // calls after the leak can take longer than the 1 s threshold).
      assertThat(leak.get("availablePermits").asInt()).isIn(2, 3);
      assertThat(leak.get("outMillis").asLong()).isGreaterThanOrEqualTo(1_000);
      String line = app.awaitStderrMatching(
          "\\[stallwatch\\] permit_leak: A permit of java\\.util\\.concurrent\\.Semaphore@", Duration.ofSeconds(5));
      assertThat(line).contains("taken at dev.stallwatch.testapps.PermitLeakOnTimeout.rewriteBlock");
      Thread.sleep(1_500);
      assertThat(app.detections("permit_leak")).as("9,999 balanced acquisitions, one leak, one report").hasSize(1);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("jdks")
  void leakedPermitReturnedLateIsReportedOnceMore(Jdk jdk) throws Exception {
    try (RunningJvm app = ForkedJvm.run(jdk, PermitLeakOnTimeout.class, "3", "1", "2500")
        .property("stallwatch.permit.leak.threshold", "1s")
        .start()) {
      app.awaitDetection(d -> "leaked".equals(d.path("phase").asText()), Duration.ofSeconds(10));
      JsonNode returned = app.awaitDetection(d -> "returned".equals(d.path("phase").asText()), Duration.ofSeconds(10));

      assertThat(returned.get("message").asText()).contains("was returned after");
      assertThat(returned.get("acquiredAt").asText()).contains("PermitLeakOnTimeout.rewriteBlock");
      Thread.sleep(1_000);
      assertThat(app.detections("permit_leak")).hasSize(2);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("jdks")
  void handOversFailedTriesDrainsSignalsAndResizesAreNoLeak(Jdk jdk) throws Exception {
    RunningJvm.Result result = ForkedJvm.run(jdk, PermitTraps.class, "2500")
        .property("stallwatch.permit.leak.threshold", "500ms")
        .property("stallwatch.lock.wait.threshold", "500ms")
        .runToEnd(Duration.ofSeconds(30));

    assertThat(result.exitCode()).as(result.stderr()).isZero();
    assertThat(result.stdout()).contains("traps set").contains("done");
    assertThat(result.detections()).isEmpty();
    assertThat(result.agentLines()).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("jdks")
  void oneLeakAmongTenThousandVirtualThreadsIsFound(Jdk jdk) throws Exception {
    Assumptions.assumeTrue(jdk.feature() >= 21, "virtual threads need JDK 21+");
    try (RunningJvm app = ForkedJvm.run(jdk, VirtualThreadPermitLeak.class, "10000", "4242")
        .property("stallwatch.permit.leak.threshold", "1s")
        .start()) {
      app.awaitStdout("all 10000 tasks done; available 63", Duration.ofSeconds(60));

      JsonNode leak = app.awaitDetection("permit_leak", Duration.ofSeconds(5));

      assertThat(leak.get("acquiredAt").asText()).contains("VirtualThreadPermitLeak.handle(VirtualThreadPermitLeak.java:");
      assertThat(leak.get("acquiredBy").get("alive").asBoolean()).isFalse();
      Thread.sleep(1_500);
      assertThat(app.detections("permit_leak")).hasSize(1);
    }
  }
}
