package dev.stallwatch.locks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stallwatch.testapps.HealthyBusyProgram;
import dev.stallwatch.testing.ForkedJvm;
import dev.stallwatch.testing.Jdk;
import dev.stallwatch.testing.RunningJvm;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Waiting for work is not waiting for a lock: a healthy, busy program produces no detection at all. */
class NoFalseAlarmsIT {
  static List<Jdk> jdks() {
    return Jdk.all();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("jdks")
  void poolsQueuesLatchesFuturesAndConditionsAreNotLockWaits(Jdk jdk) throws Exception {
    RunningJvm.Result result = ForkedJvm.run(jdk, HealthyBusyProgram.class, "2500")
        .property("stallwatch.lock.wait.threshold", "300ms")
        .property("stallwatch.permit.leak.threshold", "1s")
        .runToEnd(Duration.ofSeconds(60));

    assertThat(result.exitCode()).as(result.stderr()).isZero();
    assertThat(result.stdout()).contains("healthy done");
    assertThat(result.detections()).isEmpty();
    assertThat(result.agentLines()).isEmpty();
  }
}
