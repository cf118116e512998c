package dev.stallwatch.locks;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stallwatch.testapps.LockOrderDeadlock;
import dev.stallwatch.testapps.OrderedLocking;
import dev.stallwatch.testing.ForkedJvm;
import dev.stallwatch.testing.Jdk;
import dev.stallwatch.testing.OtlpReceiver;
import dev.stallwatch.testing.RunningJvm;
import io.opentelemetry.proto.logs.v1.LogRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** A lock-order deadlock is reported to every sink within 2 s of forming, once; ordered locking never is. */
class DeadlockDetectionIT {
  static Stream<Arguments> jdksAndLockKinds() {
    List<Arguments> out = new ArrayList<>();
    for (Jdk jdk : Jdk.all()) {
      out.add(Arguments.of(jdk, "monitor"));
      out.add(Arguments.of(jdk, "lock"));
    }
    return out.stream();
  }

  static List<Jdk> jdks() {
    return Jdk.all();
  }

  @ParameterizedTest(name = "{0}, {1}")
  @MethodSource("jdksAndLockKinds")
  void lockOrderDeadlockIsReportedToEverySinkWithinTwoSecondsOnce(Jdk jdk, String lockKind) throws Exception {
    try (OtlpReceiver receiver = new OtlpReceiver();
        RunningJvm app = ForkedJvm.run(jdk, LockOrderDeadlock.class, lockKind)
            .property("stallwatch.lock.wait.threshold", "300ms")
            .exportTo(receiver).start()) {
      String formed = app.awaitStdout("deadlock formed at ", Duration.ofSeconds(20));
      Instant formedAt = Instant.ofEpochMilli(Long.parseLong(formed.substring("deadlock formed at ".length()).trim()));

      JsonNode deadlock = app.awaitDetection("deadlock", Duration.ofSeconds(5));

      assertThat(Duration.between(formedAt, Instant.parse(deadlock.get("time").asText())))
          .as("time from forming to report").isLessThanOrEqualTo(Duration.ofSeconds(2));
      assertThat(deadlock.get("message").asText()).contains("transfer-worker").contains("audit-worker");
      assertThat(deadlock.get("stack").get(0).asText()).isNotEmpty();
      List<String> names = new ArrayList<>();
      for (JsonNode thread : deadlock.get("threads")) {
        names.add(thread.get("name").asText());
        assertThat(thread.get("stack").toString()).contains("LockOrderDeadlock.nested");
        assertThat(thread.get("holds")).hasSize(1);
        assertThat(thread.get("waitingFor").asText()).isNotEmpty();
      }
      assertThat(names).containsExactlyInAnyOrder("transfer-worker", "audit-worker");

      app.awaitStderrMatching("\\[stallwatch] deadlock: Deadlock: thread \"(transfer|audit)-worker\"",
          Duration.ofSeconds(5));

      LogRecord record = receiver.awaitLogRecord(
          r -> "deadlock".equals(OtlpReceiver.attribute(r.getAttributesList(), "stallwatch.detection.kind")),
          Duration.ofSeconds(10));
      assertThat(record.getBody().getStringValue()).isEqualTo(deadlock.get("message").asText());
      assertThat(OtlpReceiver.attribute(record.getAttributesList(), "code.stacktrace")).contains("LockOrderDeadlock");
      assertThat(receiver.awaitCounter("stallwatch.detections", "stallwatch.detection.kind", "deadlock",
          Duration.ofSeconds(10))).isEqualTo(1);

      Thread.sleep(2_500);
      assertThat(app.detections("deadlock")).as("the same cycle is reported once").hasSize(1);
      assertThat(app.detections("lock_wait")).as("a wait in the cycle is the deadlock, not a lock wait").isEmpty();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("jdks")
  void locksAlwaysTakenInOneOrderAreNoDeadlock(Jdk jdk) throws Exception {
    RunningJvm.Result result = ForkedJvm.run(jdk, OrderedLocking.class, "3000")
        .property("stallwatch.deadlock.interval", "100ms")
        .runToEnd(Duration.ofSeconds(30));

    assertThat(result.exitCode()).isZero();
    assertThat(result.stdout()).startsWith("rounds ");
    assertThat(result.detections()).isEmpty();
    assertThat(result.agentLines()).isEmpty();
  }
}
