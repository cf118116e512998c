package dev.stallwatch.locks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stallwatch.testapps.ContendedLock;
import dev.stallwatch.testing.ForkedJvm;
import dev.stallwatch.testing.Jdk;
import dev.stallwatch.testing.OtlpReceiver;
import dev.stallwatch.testing.RunningJvm;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Lock and permit metrics arrive over OTLP with bounded, meaningful attributes. */
class LockMetricsIT {
  private static final Path CONTENDED_LOCK_SOURCE = Path.of("src/test/java/dev/stallwatch/testapps/ContendedLock.java");

  /**
   * A wait of a millisecond or more is named by the exact line that asked for the lock: through its rewritten call
   * site (ReentrantLock, a read-write lock's write lock) or, where there is none (StampedLock), by a stack walk.
   */
  @ParameterizedTest
  @CsvSource({
      "lock, java.util.concurrent.locks.ReentrantLock, LOCK.lock();",
      "write, java.util.concurrent.locks.ReentrantReadWriteLock, RW.writeLock().lock();",
      "stamped, java.util.concurrent.locks.StampedLock, long stamp = STAMPED.writeLock();"})
  void aLockWaitIsNamedByTheLineThatAskedForTheLock(String kind, String lockClass, String statement)
      throws Exception {
    String expectedSite = "dev.stallwatch.testapps.ContendedLock.withLock(ContendedLock.java:" + lineOf(statement) + ")";
    try (OtlpReceiver receiver = new OtlpReceiver();
        RunningJvm app = ForkedJvm.run(Jdk.current(), ContendedLock.class, kind, "300", "2000")
            .exportTo(receiver).start()) {
      app.awaitStdout("wait ended", Duration.ofSeconds(15));
      List<HistogramDataPoint> waits = awaitWaitPoints(receiver, lockClass);

      assertThat(waits).as("%s wait histogram points", lockClass).isNotEmpty();
      assertThat(OtlpReceiver.attribute(waits.get(waits.size() - 1).getAttributesList(), "stallwatch.lock.site"))
          .isEqualTo(expectedSite);
    }
  }

  private static int lineOf(String statement) throws Exception {
    List<String> lines = Files.readAllLines(CONTENDED_LOCK_SOURCE);
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).trim().equals(statement)) {
        return i + 1;
      }
    }
    throw new AssertionError(statement + " is not a line of " + CONTENDED_LOCK_SOURCE);
  }

  private static List<HistogramDataPoint> awaitWaitPoints(OtlpReceiver receiver, String lockClass)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    List<HistogramDataPoint> waits = List.of();
    while (waits.isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(100);
      waits = receiver.metrics("stallwatch.lock.wait.duration").stream()
          .flatMap(m -> m.getHistogram().getDataPointsList().stream())
          .filter(p -> lockClass.equals(OtlpReceiver.attribute(p.getAttributesList(), "stallwatch.lock.class")))
          .toList();
    }
    return waits;
  }

  @Test
  void contendedSemaphoreGivesAWaitHistogramBySiteAndPermitGauges() throws Exception {
    try (OtlpReceiver receiver = new OtlpReceiver();
        RunningJvm app = ForkedJvm.run(Jdk.current(), ContendedLock.class, "semaphore", "1500", "2000")
            .exportTo(receiver).start()) {
      app.awaitStdout("wait ended", Duration.ofSeconds(15));
      List<HistogramDataPoint> waits = awaitWaitPoints(receiver, "java.util.concurrent.Semaphore");

      assertThat(waits).as("semaphore wait histogram points").isNotEmpty();
      HistogramDataPoint point = waits.get(waits.size() - 1);
      assertThat(point.getCount()).isEqualTo(1);
      assertThat(point.getSum()).isBetween(1.0, 3.0);
      assertThat(OtlpReceiver.attribute(point.getAttributesList(), "stallwatch.lock.site")).isEqualTo(
          "dev.stallwatch.testapps.ContendedLock.withLock(ContendedLock.java:"
              + lineOf("SLOT.acquireUninterruptibly();") + ")");
      assertThat(receiver.metrics("stallwatch.lock.wait.duration").get(0).getUnit()).isEqualTo("s");

      List<NumberDataPoint> inUse = receiver.metrics("stallwatch.semaphore.permits.in_use").stream()
          .flatMap(m -> m.getSum().getDataPointsList().stream()).toList();
      assertThat(inUse).as("permits in use were seen while the holder held one")
          .anyMatch(p -> p.getAsInt() == 1
              && OtlpReceiver.attribute(p.getAttributesList(), "stallwatch.semaphore").startsWith("java.util.concurrent.Semaphore@")
              && OtlpReceiver.attribute(p.getAttributesList(), "stallwatch.semaphore.site").contains("ContendedLock.withLock"));
      List<NumberDataPoint> available = receiver.metrics("stallwatch.semaphore.permits.available").stream()
          .flatMap(m -> m.getSum().getDataPointsList().stream()).toList();
      assertThat(available).anyMatch(p -> p.getAsInt() == 0);
    }
  }
}
