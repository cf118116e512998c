package dev.stallwatch.locks;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stallwatch.testapps.ContendedLock;
import dev.stallwatch.testapps.OrphanedLock;
import dev.stallwatch.testapps.SemaphoreSelfDeadlock;
import dev.stallwatch.testing.ForkedJvm;
import dev.stallwatch.testing.Jdk;
import dev.stallwatch.testing.RunningJvm;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Threads waiting too long for a lock are reported while they wait, with the owner named. */
class LockWaitDetectionIT {
  static List<Jdk> jdks() {
    return Jdk.all();
  }

  static Stream<Arguments> jdksAndJucLocks() {
    List<Arguments> out = new ArrayList<>();
    for (Jdk jdk : Jdk.all()) {
      for (String kind : List.of("lock", "write", "read", "stamped", "semaphore", "monitor")) {
        out.add(Arguments.of(jdk, kind));
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0}, {1}")
  @MethodSource("jdksAndJucLocks")
  void contendedLockIsReportedWhileStillWaitingWithItsOwner(Jdk jdk, String kind) throws Exception {
    try (RunningJvm app = ForkedJvm.run(jdk, ContendedLock.class, kind, "3000", "1000")
        .property("stallwatch.lock.wait.threshold", "500ms")
        .start()) {
      JsonNode wait = app.awaitDetection("lock_wait", Duration.ofSeconds(10));
      String ended = app.awaitStdout("wait ended at ", Duration.ofSeconds(10));
      Instant endedAt = Instant.ofEpochMilli(Long.parseLong(ended.substring("wait ended at ".length()).trim()));

      assertThat(Instant.parse(wait.get("time").asText())).as("reported while waiting").isBefore(endedAt);
      assertThat(wait.get("thread").asText()).isEqualTo("request-handler");
      assertThat(wait.get("waitedMillis").asLong()).isBetween(500L, 2_000L);
      assertThat(wait.get("stack").toString()).contains("ContendedLock.recordRequest");
      assertThat(wait.get("message").asText()).startsWith("Thread \"request-handler\" has waited");
      if (!kind.equals("stamped")) {
        assertThat(wait.get("message").asText()).contains("metrics-flusher");
      }
      if (kind.equals("monitor")) {
        assertThat(wait.get("monitor").asBoolean()).isTrue();
        assertThat(wait.get("message").asText()).contains("to enter synchronized on java.lang.Object@");
      }
      if (kind.equals("semaphore")) {
        assertThat(wait.get("lockClass").asText()).isEqualTo("java.util.concurrent.Semaphore");
        JsonNode holder = wait.get("holders").get(0);
        assertThat(holder.get("name").asText()).isEqualTo("metrics-flusher");
        assertThat(holder.get("acquiredAt").asText()).contains("ContendedLock.withLock(ContendedLock.java:");
      } else if (!kind.equals("stamped")) {
        assertThat(wait.get("owner").get("name").asText()).isEqualTo("metrics-flusher");
        assertThat(wait.get("owner").get("state").asText()).isEqualTo("TIMED_WAITING");
        assertThat(wait.get("owner").get("stack").toString()).contains("ContendedLock.flushUnderLock");
        assertThat(wait.get("ownerTerminated").asBoolean()).isFalse();
      }
      JsonNode over = app.awaitDetection(d -> d.path("phase").asText().equals("ended"), Duration.ofSeconds(5));
      assertThat(over.get("thread").asText()).isEqualTo("request-handler");
      assertThat(over.get("lock").asText()).isEqualTo(wait.get("lock").asText());
      assertThat(over.get("waitedMillis").asLong()).isBetween(2_500L, 4_000L);
      assertThat(over.get("message").asText()).startsWith("The wait of thread \"request-handler\" ")
          .contains("reported earlier, ended after");
      assertThat(app.detections("lock_wait")).as("one wait, one report, one end").hasSize(2);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("jdks")
  void lockHeldByATerminatedThreadIsReportedAsSuch(Jdk jdk) throws Exception {
    try (RunningJvm app = ForkedJvm.run(jdk, OrphanedLock.class)
        .property("stallwatch.lock.wait.threshold", "300ms")
        .start()) {
      JsonNode wait = app.awaitDetection("lock_wait", Duration.ofSeconds(10));

      assertThat(wait.get("thread").asText()).isEqualTo("report-worker");
      assertThat(wait.get("ownerTerminated").asBoolean()).isTrue();
      assertThat(wait.get("owner").get("name").asText()).isEqualTo("import-worker");
      assertThat(wait.get("owner").get("alive").asBoolean()).isFalse();
      assertThat(wait.get("message").asText()).contains("\"import-worker\", which has terminated")
          .contains("can never end");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("jdks")
  void semaphoreTakenTwiceByOneThreadIsADeadlockWithinTwoSeconds(Jdk jdk) throws Exception {
    try (RunningJvm app = ForkedJvm.run(jdk, SemaphoreSelfDeadlock.class).start()) {
      String formed = app.awaitStdout("self-deadlock formed at ", Duration.ofSeconds(10));
      Instant formedAt = Instant.ofEpochMilli(Long.parseLong(formed.substring("self-deadlock formed at ".length()).trim()));

      JsonNode deadlock = app.awaitDetection("deadlock", Duration.ofSeconds(5));

      assertThat(Duration.between(formedAt, Instant.parse(deadlock.get("time").asText())))
          .isLessThanOrEqualTo(Duration.ofSeconds(2));
      assertThat(deadlock.get("thread").asText()).isEqualTo("metrics-reporter");
      assertThat(deadlock.get("message").asText()).contains("holds every permit out itself")
          .contains("SemaphoreSelfDeadlock.summary(SemaphoreSelfDeadlock.java:");
      assertThat(deadlock.get("stack").toString()).contains("SemaphoreSelfDeadlock.snapshot");
      assertThat(deadlock.get("threads")).hasSize(1);
      Thread.sleep(1_500);
      assertThat(app.detections("deadlock")).hasSize(1);
      assertThat(app.detections("lock_wait")).as("a deadlock is not also a lock wait").isEmpty();
    }
  }
}
