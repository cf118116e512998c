package dev.stallwatch.locks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stallwatch.testapps.ContendedLock;
import dev.stallwatch.testing.ForkedJvm;
import dev.stallwatch.testing.Jdk;
import dev.stallwatch.testing.OtlpReceiver;
import dev.stallwatch.testing.RunningJvm;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Lock and permit metrics arrive over OTLP with bounded, meaningful attributes. */
class LockMetricsIT {
  @Test
  void contendedSemaphoreGivesAWaitHistogramBySiteAndPermitGauges() throws Exception {
    try (OtlpReceiver receiver = new OtlpReceiver();
        RunningJvm app = ForkedJvm.run(Jdk.current(), ContendedLock.class, "semaphore", "1500", "2000")
            .exportTo(receiver).start()) {
      app.awaitStdout("wait ended", Duration.ofSeconds(15));
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      List<HistogramDataPoint> waits = List.of();
      while (waits.isEmpty() && System.nanoTime() < deadline) {
        Thread.sleep(100);
        waits = receiver.metrics("stallwatch.lock.wait.duration").stream()
            .flatMap(m -> m.getHistogram().getDataPointsList().stream())
            .filter(p -> "java.util.concurrent.Semaphore".equals(
                OtlpReceiver.attribute(p.getAttributesList(), "stallwatch.lock.class")))
            .toList();
      }

      assertThat(waits).as("semaphore wait histogram points").isNotEmpty();
      HistogramDataPoint point = waits.get(waits.size() - 1);
      assertThat(point.getCount()).isEqualTo(1);
      assertThat(point.getSum()).isBetween(1.0, 3.0);
      assertThat(OtlpReceiver.attribute(point.getAttributesList(), "stallwatch.lock.site"))
          .contains("dev.stallwatch.testapps.ContendedLock.withLock(ContendedLock.java:");
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
