package dev.stallwatch.permits;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stallwatch.bootstrap.StallwatchClock;
import dev.stallwatch.bootstrap.StallwatchPermitLedger;
import dev.stallwatch.bootstrap.StallwatchPermits;
import dev.stallwatch.bootstrap.StallwatchRegistry;
import dev.stallwatch.bootstrap.StallwatchThreadState;
import dev.stallwatch.report.Detection;
import dev.stallwatch.report.Detections;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.function.IntFunction;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Leak reports as the watchdog makes them, from permits this test's own thread takes through the hooks. */
class PermitLeakDetectorTest {
  private final List<Detection> reports = new ArrayList<>();
  private final PermitLeakDetector detector =
      new PermitLeakDetector(new Detections(List.of(reports::add)), Duration.ofMillis(1_000));
  private final PermitBook book = new PermitBook();
  private final StallwatchThreadState me = StallwatchRegistry.current();
  /**
   * The semaphores this test made: the test thread's ledger is shared with every other test class run on it (some
   * leave permits out on purpose), so a scan looks only at these.
   */
  private final Set<Object> mine = Collections.newSetFromMap(new IdentityHashMap<>());

  private Semaphore semaphore(int permits) {
    Semaphore semaphore = new Semaphore(permits);
    mine.add(semaphore);
    return semaphore;
  }

  @BeforeAll
  static void enableHooks() {
    StallwatchPermits.enable();
  }

  @BeforeEach
  void forgetForeignReleasesOfEarlierTests() {
    while (StallwatchPermits.pollForeignRelease() != null) {
      // drained
    }
  }

  /** One scan of this thread's ledger, then the leak check at {@code nowMillis}. */
  private void scanAt(long nowMillis) {
    scanAt(nowMillis, site -> "Site" + site);
  }

  private void scanAt(long nowMillis, IntFunction<String> sites) {
    List<HeldPermit> raw = new ArrayList<>();
    StallwatchPermitLedger.Entry entry = new StallwatchPermitLedger.Entry();
    for (int i = 0; i < me.permits.size(); i++) {
      if (me.permits.read(i, entry) && mine.contains(entry.semaphore)) {
        raw.add(new HeldPermit(me, Thread.currentThread(), entry.id, entry.semaphore, entry.permits, entry.site,
            entry.sinceMillis));
      }
    }
    book.beforeScan();
    book.update(raw);
    detector.check(book, Set.of(), nowMillis, sites);
  }

  @Test
  void hoarderHoldingManyPermitsAtOneLineIsOneReportWithTheCount() throws Exception {
    Semaphore pool = semaphore(100);
    StallwatchClock.tick();
    long since = StallwatchClock.millis();
    StallwatchPermits.acquire(pool, 8);
    for (int i = 0; i < 40; i++) {
      StallwatchPermits.acquire(pool, 7);
    }
    scanAt(since);
    scanAt(since + 5_000);
    scanAt(since + 5_100);

    assertThat(reports).hasSize(2);
    assertThat(reports).filteredOn(d -> "Site7".equals(d.details().get("acquiredAt"))).singleElement()
        .satisfies(d -> {
          assertThat(d.details()).containsEntry("permits", 40).containsEntry("acquisitions", 40)
              .containsEntry("phase", "leaked");
          assertThat(d.message()).contains("40 permits").contains("in 40 acquisitions").contains("have not been");
        });
    assertThat(reports).filteredOn(d -> "Site8".equals(d.details().get("acquiredAt"))).singleElement()
        .satisfies(d -> assertThat(d.message()).startsWith("A permit of ").contains(" has not been released"));

    StallwatchPermits.release(pool, 39, 9); // its own, newest first: 39 of the 40
    scanAt(since + 5_200);
    assertThat(reports).as("no 'returned' while one of the reported permits is still out").hasSize(2);
    StallwatchPermits.release(pool, 2, 9);
    scanAt(since + 5_300);
    assertThat(reports).hasSize(4).last().satisfies(d -> assertThat(d.details()).containsEntry("phase", "returned"));
    assertThat(reports.subList(2, 4)).extracting(d -> d.details().get("permits")).containsExactlyInAnyOrder(40, 1);
  }

  @Test
  void laterLeaksOfTheSameHolderAndLineAreHeldBackThenReportedTogether() throws Exception {
    Semaphore pool = semaphore(100);
    StallwatchClock.tick();
    long since = StallwatchClock.millis();
    StallwatchPermits.acquire(pool, 7);
    scanAt(since);
    scanAt(since + 2_000);
    assertThat(reports).hasSize(1);

    for (int i = 0; i < 3; i++) {
      StallwatchPermits.acquire(pool, 7);
    }
    long later = StallwatchClock.millis() + 2_000; // they cross the threshold 2 s after the first report
    scanAt(later);
    scanAt(later + 1_000);
    assertThat(reports).as("within the interval: held back").hasSize(1);

    scanAt(since + 2_000 + PermitLeakDetector.REPORT_INTERVAL_MILLIS);
    assertThat(reports).hasSize(2).last()
        .satisfies(d -> assertThat(d.details()).containsEntry("permits", 3).containsEntry("acquisitions", 3));
    StallwatchPermits.release(pool, 4, 9);
    scanAt(since + 3_000 + PermitLeakDetector.REPORT_INTERVAL_MILLIS);
  }

  @Test
  void permitLeftInAContainersPerConnectionSemaphoreIsNoLeak() throws Exception {
    Semaphore writePending = semaphore(1);
    IntFunction<String> sites = site -> site == 3
        ? "org.apache.tomcat.util.net.SocketWrapperBase.vectoredOperation(SocketWrapperBase.java:1652)" : "Site" + site;
    StallwatchClock.tick();
    long since = StallwatchClock.millis();
    StallwatchPermits.tryAcquire(writePending, 3);
    scanAt(since, sites);
    scanAt(since + 60_000, sites);
    scanAt(since + 60_100, sites);

    assertThat(reports).isEmpty();
    StallwatchPermits.release(writePending, 9);
  }
}
