package dev.stallwatch.locks;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stallwatch.testapps.MonitorWaitScenarios;
import dev.stallwatch.testing.ForkedJvm;
import dev.stallwatch.testing.Jdk;
import dev.stallwatch.testing.RunningJvm;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Waits to enter {@code synchronized} are reported while the thread is still BLOCKED, and said to end once. */
class MonitorWaitDetectionIT {
  static List<Jdk> jdks() {
    return Jdk.all();
  }

  private static Instant printedAt(String line, String prefix) {
    return Instant.ofEpochMilli(Long.parseLong(line.substring(prefix.length()).trim()));
  }

  private static List<JsonNode> phase(List<JsonNode> detections, String phase) {
    return detections.stream().filter(d -> phase.equals(d.path("phase").asText())).toList();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("jdks")
  void holderStuckForeverInsideSynchronizedIsReportedWhileTheWaitersAreBlocked(Jdk jdk) throws Exception {
    try (RunningJvm app = ForkedJvm.run(jdk, MonitorWaitScenarios.class, "stuck")
        .property("stallwatch.lock.wait.threshold", "1s")
        .start()) {
      Instant blockedAt = printedAt(app.awaitStdout("blocked at ", Duration.ofSeconds(10)), "blocked at ");
      JsonNode wait = app.awaitDetection("lock_wait", Duration.ofSeconds(10));

      assertThat(Duration.between(blockedAt, Instant.parse(wait.get("time").asText())))
          .as("within threshold + 1 s").isLessThan(Duration.ofSeconds(2));
      assertThat(wait.get("thread").asText()).startsWith("request-");
      assertThat(wait.get("monitor").asBoolean()).isTrue();
      assertThat(wait.get("phase").asText()).isEqualTo("waiting");
      assertThat(wait.get("waitedMillis").asLong()).isBetween(900L, 2_000L);
      assertThat(wait.get("stack").get(0).asText()).contains("MonitorWaitScenarios.sendOnConnection");
      assertThat(wait.get("lockClass").asText()).isEqualTo("java.lang.Object");
      JsonNode owner = wait.get("owner");
      assertThat(owner.get("name").asText()).isEqualTo("connection-owner");
      assertThat(owner.get("alive").asBoolean()).isTrue();
      assertThat(owner.get("state").asText()).isEqualTo("RUNNABLE");
      assertThat(owner.get("stack").toString()).contains("MonitorWaitScenarios.lambda$stuck");
      assertThat(wait.get("message").asText())
          .startsWith("Thread \"" + wait.get("thread").asText() + "\" has waited")
          .contains("to enter synchronized on java.lang.Object@")
          .contains("held by thread \"connection-owner\" (RUNNABLE)");

      Thread.sleep(2_000);
      assertThat(app.detections("lock_wait")).as("both waiters wait at one site: one report per window")
          .hasSize(1);
      assertThat(app.stdout()).doesNotContain("sent");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("jdks")
  void contentionInTheFirstSecondAfterStartIsSeen(Jdk jdk) throws Exception {
    try (RunningJvm app = ForkedJvm.run(jdk, MonitorWaitScenarios.class, "startup")
        .property("stallwatch.lock.wait.threshold", "500ms")
        .start()) {
      app.awaitStdout("done", Duration.ofSeconds(15));
      JsonNode wait = app.awaitDetection("lock_wait", Duration.ofSeconds(5));

      assertThat(wait.get("thread").asText()).startsWith("starter-");
      assertThat(wait.get("owner").get("name").asText()).isEqualTo("bootstrap");
      assertThat(wait.get("owner").get("state").asText()).isEqualTo("TIMED_WAITING");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("jdks")
  void aReportedWaitThatEndsIsSaidToHaveEndedOnce(Jdk jdk) throws Exception {
    try (RunningJvm app = ForkedJvm.run(jdk, MonitorWaitScenarios.class, "ends")
        .property("stallwatch.lock.wait.threshold", "500ms")
        .start()) {
      Instant endedAt = printedAt(app.awaitStdout("wait ended at ", Duration.ofSeconds(15)), "wait ended at ");
      app.awaitStdout("done", Duration.ofSeconds(10));

      List<JsonNode> waits = app.detections("lock_wait");
      assertThat(phase(waits, "waiting")).hasSize(1);
      assertThat(phase(waits, "ended")).hasSize(1);
      assertThat(waits).hasSize(2);
      JsonNode waiting = phase(waits, "waiting").get(0);
      JsonNode ended = phase(waits, "ended").get(0);
      assertThat(Instant.parse(waiting.get("time").asText())).as("reported while waiting").isBefore(endedAt);
      assertThat(waiting.get("owner").get("name").asText()).isEqualTo("metrics-flusher");
      assertThat(ended.get("thread").asText()).isEqualTo("request-handler");
      assertThat(ended.get("lock").asText()).isEqualTo(waiting.get("lock").asText());
      assertThat(ended.get("waitedMillis").asLong()).isBetween(1_700L, 3_000L);
      assertThat(ended.get("message").asText()).contains("reported earlier, ended after");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("jdks")
  void manyWaitersAtOneSiteAreReportedOnceWithTheOthersCounted(Jdk jdk) throws Exception {
    try (RunningJvm app = ForkedJvm.run(jdk, MonitorWaitScenarios.class, "many")
        .property("stallwatch.lock.wait.threshold", "500ms")
        .start()) {
      app.awaitStdout("done", Duration.ofSeconds(15));

      List<JsonNode> waits = app.detections("lock_wait");
      assertThat(phase(waits, "waiting")).hasSize(1);
      List<JsonNode> ended = phase(waits, "ended");
      assertThat(ended).hasSize(1);
      assertThat(ended.get(0).get("suppressed").asLong()).isEqualTo(4);
      assertThat(ended.get(0).get("message").asText()).contains("4 similar waits at this site meanwhile");
    }
  }

  /**
   * On JDK 24+ a virtual thread blocked on a monitor unmounts and the JVM reports nothing about it (no thread listing,
   * no flight-recorder event): the agent says so once instead of staying silent. On JDK 21-23 the flight recorder
   * covers it after the fact; this project's machines have no JDK 21-23 to test that on.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("jdks")
  void aVirtualThreadsMonitorWaitOnJdk24AndLaterIsSaidToBeInvisible(Jdk jdk) throws Exception {
    Assumptions.assumeTrue(jdk.feature() >= 24, "virtual threads unmount on monitors from JDK 24");
    try (RunningJvm app = ForkedJvm.run(jdk, MonitorWaitScenarios.class, "virtual")
        .property("stallwatch.lock.wait.threshold", "500ms")
        .start()) {
      app.awaitStdout("done", Duration.ofSeconds(20));
      app.awaitStderrMatching(".*uses virtual threads: their waits to enter synchronized are not reported.*",
          Duration.ofSeconds(5));
      assertThat(app.detections("lock_wait")).as("the JVM shows the wait nowhere").isEmpty();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("jdks")
  void objectWaitReentryAfterNotifyShortTurnsAndIdlePoolsAreSilent(Jdk jdk) throws Exception {
    RunningJvm.Result result = ForkedJvm.run(jdk, MonitorWaitScenarios.class, "traps")
        .property("stallwatch.lock.wait.threshold", "500ms")
        .runToEnd(Duration.ofSeconds(60));

    assertThat(result.exitCode()).as(result.stderr()).isZero();
    assertThat(result.stdout()).contains("done");
    assertThat(result.detections()).isEmpty();
    assertThat(result.agentLines()).isEmpty();
  }
}
