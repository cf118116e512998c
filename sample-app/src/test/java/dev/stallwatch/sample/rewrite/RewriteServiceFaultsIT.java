package dev.stallwatch.sample.rewrite;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stallwatch.sample.RewriteServiceUnderAgent;
import dev.stallwatch.sample.load.LoadReport;
import dev.stallwatch.testing.Jdk;
import dev.stallwatch.testing.RunningJvm;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The rewrite service in its own JVM under the agent, driven by real WebSocket clients with the same editing traffic
 * each time; only the fault switch differs. Each fault must be reported as its kind, naming the service's code that
 * has the bug, and nothing unrelated may be reported beside it; with no fault, nothing at all.
 */
class RewriteServiceFaultsIT {
  private static final Duration DRIVE = Duration.ofSeconds(6);
  private static final Duration DETECTION = Duration.ofSeconds(15);

  static Stream<Arguments> jdks() {
    return Jdk.all().stream().map(Arguments::of);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("jdks")
  void healthyTrafficIsServedAndNothingIsReported(Jdk jdk) throws Exception {
    try (RunningJvm service = RewriteServiceUnderAgent.service(jdk, "none").start()) {
      LoadReport load = RewriteServiceUnderAgent.drive(service, Duration.ofSeconds(10));
      Thread.sleep(1_500);
      // The traffic holds the traps: provider calls that time out and give their slot back, blocks the provider
      // rejects and that are split instead, idle provider and Tomcat threads, a billing write outside the lock.
      assertThat(load.documents()).as(load.describe()).isGreaterThan(50);
      assertThat(load.failed()).as(load.describe()).isZero();
      assertThat(service.detections()).as(service.describe()).isEmpty();
      assertThat(service.stderr()).doesNotContain("[stallwatch] lock_wait", "[stallwatch] permit_leak");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("jdks")
  void aProviderSlotLostOnTheTimeoutPathIsAPermitLeakAtTheAcquiringLine(Jdk jdk) throws Exception {
    try (RunningJvm service = RewriteServiceUnderAgent.service(jdk, "permit-leak").start()) {
      RewriteServiceUnderAgent.drive(service, DRIVE);
      JsonNode leak = service.awaitDetection("permit_leak", DETECTION);
      assertThat(leak.path("acquiredAt").asText()).startsWith(BlockRewriter.class.getName() + ".callProvider(");
      assertThat(leak.path("stack").get(0).asText()).contains("BlockRewriter.callProvider(");
      assertOnlyKinds(service, "permit_leak");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("jdks")
  void theMetricsSummaryTakingItsOwnSemaphoreTwiceIsADeadlockOfOneThread(Jdk jdk) throws Exception {
    try (RunningJvm service = RewriteServiceUnderAgent.service(jdk, "metrics-self-deadlock").start()) {
      RewriteServiceUnderAgent.drive(service, DRIVE);
      JsonNode deadlock = service.awaitDetection("deadlock", DETECTION);
      assertThat(deadlock.path("message").asText()).contains("\"metrics-reporter\"", "waiting for itself");
      assertThat(frames(deadlock.path("threads").get(0).path("stack")))
          .anyMatch(f -> f.contains("RewriteMetrics.averageMillis("))
          .anyMatch(f -> f.contains("RewriteMetrics.summary("));
      // Requests that record metrics now queue behind the stuck reporter: real lock waits, on the same semaphore.
      assertOnlyKinds(service, "deadlock", "lock_wait");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("jdks")
  void theJanitorAndAClosingSessionLockingInOppositeOrdersIsADeadlockNamingBoth(Jdk jdk) throws Exception {
    try (RunningJvm service = RewriteServiceUnderAgent.service(jdk, "lock-order-deadlock").start()) {
      RewriteServiceUnderAgent.drive(service, DRIVE);
      JsonNode deadlock = service.awaitDetection("deadlock", DETECTION);
      List<JsonNode> threads = StreamSupport.stream(deadlock.path("threads").spliterator(), false).toList();
      assertThat(threads).hasSize(2);
      JsonNode janitor = threads.stream().filter(t -> t.path("name").asText().equals("result-cache-janitor"))
          .findFirst().orElseThrow(() -> new AssertionError(deadlock.toPrettyString()));
      JsonNode closer = threads.stream().filter(t -> t != janitor).findFirst().orElseThrow();
      assertThat(frames(janitor.path("stack"))).anyMatch(f -> f.contains("SessionRegistry.isOpen("))
          .anyMatch(f -> f.contains("ResultCacheJanitor."));
      assertThat(frames(closer.path("stack"))).anyMatch(f -> f.contains("ResultCache.evictSession("))
          .anyMatch(f -> f.contains("SessionRegistry.close("));
      assertOnlyKinds(service, "deadlock", "lock_wait");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("jdks")
  void aBlockRetriedForTenSecondsIsARunawayWhileItRuns(Jdk jdk) throws Exception {
    try (RunningJvm service = RewriteServiceUnderAgent.service(jdk, "runaway-block").start()) {
      RewriteServiceUnderAgent.drive(service, DRIVE);
      JsonNode runaway = service.awaitDetection(d -> "runaway".equals(d.path("kind").asText())
          && !d.path("message").asText().contains("ended"), DETECTION);
      assertThat(runaway.path("message").asText()).contains(BlockRewriter.class.getName() + ".rewriteBlock");
      assertThat(frames(runaway.path("stack"))).anyMatch(f -> f.contains("BlockRewriter.rewriteBlock("));
      assertOnlyKinds(service, "runaway");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("jdks")
  void aHandlerThatThrowsIsAWebSocketErrorAndTheClientSees1011(Jdk jdk) throws Exception {
    try (RunningJvm service = RewriteServiceUnderAgent.service(jdk, "handler-crash").start()) {
      LoadReport load = RewriteServiceUnderAgent.drive(service, DRIVE);
      assertThat(load.closedByServer()).as(load.describe()).containsKey(1011);
      JsonNode error = service.awaitDetection("websocket_error", DETECTION);
      assertThat(error.path("exception").asText()).isEqualTo("java.lang.NullPointerException");
      assertThat(error.path("handler").asText()).isEqualTo(RewriteSocketHandler.class.getName() + ".handleTextMessage");
      assertThat(error.path("stack").get(0).asText()).contains("DocumentParser.parse(");
      assertOnlyKinds(service, "websocket_error");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("jdks")
  void aSlowWriteUnderTheUsageLockIsALockWaitNamingTheHolderAndItsSlowCall(Jdk jdk) throws Exception {
    try (RunningJvm service = RewriteServiceUnderAgent.service(jdk, "hot-lock").start()) {
      RewriteServiceUnderAgent.drive(service, Duration.ofSeconds(8));
      JsonNode wait = service.awaitDetection("lock_wait", DETECTION);
      assertThat(wait.path("lockClass").asText()).isEqualTo("java.util.concurrent.locks.ReentrantLock");
      assertThat(frames(wait.path("stack"))).anyMatch(f -> f.contains("UsageAccounting.charge("));
      assertThat(frames(wait.path("owner").path("stack"))).anyMatch(f -> f.contains("BillingStore.write("));
      assertOnlyKinds(service, "lock_wait");
    }
  }

  private static List<String> frames(JsonNode stack) {
    return StreamSupport.stream(stack.spliterator(), false).map(JsonNode::asText).toList();
  }

  private static void assertOnlyKinds(RunningJvm service, String... kinds) {
    assertThat(service.detections()).as(service.describe())
        .allSatisfy(d -> assertThat(d.path("kind").asText()).isIn((Object[]) kinds));
  }
}
