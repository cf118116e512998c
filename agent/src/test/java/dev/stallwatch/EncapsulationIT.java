package dev.stallwatch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stallwatch.testapps.EncapsulationProbe;
import dev.stallwatch.testapps.HookDefinerReuse;
import dev.stallwatch.testing.ForkedJvm;
import dev.stallwatch.testing.Jdk;
import dev.stallwatch.testing.RunningJvm;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The agent opens {@code java.util.concurrent} and {@code java.util.concurrent.locks} to read lock internals and to
 * define its hooks; those openings must reach the agent's own class loader only, never the application, which must
 * be refused exactly what it is refused without the agent.
 */
class EncapsulationIT {
  static List<Jdk> jdks() {
    return Jdk.all();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("jdks")
  void applicationReachesNoMoreOfTheJdkUnderTheAgentThanWithout(Jdk jdk) throws Exception {
    RunningJvm.Result without =
        ForkedJvm.run(jdk, EncapsulationProbe.class).withoutAgent().runToEnd(Duration.ofSeconds(30));
    RunningJvm.Result with = ForkedJvm.run(jdk, EncapsulationProbe.class).runToEnd(Duration.ofSeconds(30));

    assertThat(without.exitCode()).as(without.stderr()).isZero();
    assertThat(without.stdout().lines()).as("without the agent").containsExactly(
        "ReentrantLock.sync: InaccessibleObjectException",
        "Semaphore.sync: InaccessibleObjectException",
        "String.value: InaccessibleObjectException",
        "privateLookupIn(LockSupport): IllegalAccessException");
    assertThat(with.exitCode()).as(with.stderr()).isZero();
    assertThat(with.stderr()).as("stderr under the agent").isEmpty();
    assertThat(with.stdout()).as("under the agent").isEqualTo(without.stdout());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("jdks")
  void applicationThatFindsTheAgentLoaderCannotDefineClassesIntoTheJdk(Jdk jdk) throws Exception {
    RunningJvm.Result result = ForkedJvm.run(jdk, HookDefinerReuse.class, HookDefiner.class.getName())
        .runToEnd(Duration.ofSeconds(30));

    assertThat(result.exitCode()).as(result.stderr()).isZero();
    assertThat(result.stdout().lines()).containsExactly("agent loader: found", "hook definer: IllegalStateException");
  }
}
