package dev.stallwatch.locks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stallwatch.testapps.ConcurrencyStress;
import dev.stallwatch.testapps.ManyLocks;
import dev.stallwatch.testing.ForkedJvm;
import dev.stallwatch.testing.Jdk;
import dev.stallwatch.testing.RunningJvm;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The agent changes no lock semantics and keeps no state per lock. */
class LockSemanticsUnderAgentIT {
  static List<Jdk> jdks() {
    return Jdk.all();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("jdks")
  void mixedLocksInterruptsAndTimeoutsKeepEveryInvariant(Jdk jdk) throws Exception {
    RunningJvm.Result result = ForkedJvm.run(jdk, ConcurrencyStress.class, "4000", "16")
        .property("stallwatch.permit.leak.threshold", "2s")
        .runToEnd(Duration.ofSeconds(60));

    assertThat(result.exitCode()).as(result.stdout() + result.stderr()).isZero();
    assertThat(result.stdout()).startsWith("invariants held:").doesNotContain("interrupts=0 ");
    assertThat(result.stdout()).doesNotContain("timeouts=0 ");
    assertThat(result.detections()).as("no leak, no deadlock under stress")
        .noneMatch(d -> d.get("kind").asText().equals("permit_leak") || d.get("kind").asText().equals("deadlock"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("jdks")
  void aMillionLocksAndSemaphoresLeaveNoTrackingStateBehind(Jdk jdk) throws Exception {
    long without = heapAfter(ForkedJvm.run(jdk, ManyLocks.class, "1000000").withoutAgent());
    long with = heapAfter(ForkedJvm.run(jdk, ManyLocks.class, "1000000")
        // the agent's own baseline (SDK, instrumentation) is measured by a run that churns nothing
        );
    long agentBaseline = heapAfter(ForkedJvm.run(jdk, ManyLocks.class, "0"));

    long retainedByChurn = with - agentBaseline;
    System.out.printf("%s: heap after 1M locks and semaphores: without agent %d KiB, with agent %d KiB, agent "
        + "baseline %d KiB, retained by the churn %d KiB%n", jdk, without / 1024, with / 1024, agentBaseline / 1024,
        retainedByChurn / 1024);
    assertThat(retainedByChurn).as("bytes retained after dropping a million locks").isLessThan(10L * 1024 * 1024);
  }

  private static long heapAfter(ForkedJvm jvm) throws Exception {
    RunningJvm.Result result = jvm.jvmOption("-Xmx256m").runToEnd(Duration.ofSeconds(120));
    assertThat(result.exitCode()).as(result.stderr()).isZero();
    String line = result.stdout().lines().filter(l -> l.startsWith("heap used after gc: ")).findFirst().orElseThrow();
    return Long.parseLong(line.substring("heap used after gc: ".length()).trim());
  }
}
