package dev.stallwatch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stallwatch.testapps.ContendedLock;
import dev.stallwatch.testapps.HoardedPermits;
import dev.stallwatch.testing.ForkedJvm;
import dev.stallwatch.testing.Jdk;
import dev.stallwatch.testing.RunningJvm;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Every feature can be switched off on its own ({@code stallwatch.<feature>.enabled=false}) while the others go on,
 * and the agent's own health counters speak up when they move.
 */
class FeatureSwitchesIT {
  private static RunningJvm.Result contended(String kind, String switchedOff) throws Exception {
    return ForkedJvm.run(Jdk.current(), ContendedLock.class, kind, "1500", "500")
        .property("stallwatch.lock.wait.threshold", "300ms")
        .property("stallwatch." + switchedOff + ".enabled", "false")
        .runToEnd(Duration.ofSeconds(60));
  }

  @Test
  void monitorsSwitchedOffSilencesSynchronizedWaitsOnly() throws Exception {
    RunningJvm.Result monitor = contended("monitor", "monitors");
    RunningJvm.Result lock = contended("lock", "monitors");

    assertThat(monitor.exitCode()).as(monitor.stderr()).isZero();
    assertThat(monitor.detections()).isEmpty();
    assertThat(monitor.agentLines()).isEmpty();
    assertThat(lock.detections()).extracting(d -> d.get("kind").asText()).contains("lock_wait");
  }

  @Test
  void locksSwitchedOffSilencesJavaUtilConcurrentWaitsOnly() throws Exception {
    RunningJvm.Result lock = contended("lock", "locks");
    RunningJvm.Result monitor = contended("monitor", "locks");

    assertThat(lock.exitCode()).as(lock.stderr()).isZero();
    assertThat(lock.detections()).isEmpty();
    assertThat(lock.agentLines()).isEmpty();
    assertThat(monitor.detections()).extracting(d -> d.get("kind").asText()).contains("lock_wait");
  }

  @Test
  void permitsTheLedgerCannotHoldAreCountedAndSaidOnce() throws Exception {
    RunningJvm.Result result = ForkedJvm.run(Jdk.current(), HoardedPermits.class, "5000")
        .runToEnd(Duration.ofSeconds(60));

    assertThat(result.exitCode()).as(result.stderr()).isZero();
    assertThat(result.agentLines()).hasSize(1);
    assertThat(result.agentLines().get(0)).contains("health: 904 permits were taken by a thread already holding")
        .contains("stallwatch.agent.permits.untracked");
  }
}
