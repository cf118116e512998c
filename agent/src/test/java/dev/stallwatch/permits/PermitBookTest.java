package dev.stallwatch.permits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import dev.stallwatch.bootstrap.StallwatchClock;
import dev.stallwatch.bootstrap.StallwatchPermitLedger;
import dev.stallwatch.bootstrap.StallwatchPermits;
import dev.stallwatch.bootstrap.StallwatchRegistry;
import dev.stallwatch.bootstrap.StallwatchThreadState;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The watchdog's view of permits out, fed as the lock engine feeds it: each thread's permit calls go through the
 * {@link StallwatchPermits} hooks on threads of their own, and each scan reads the threads' ledgers.
 */
class PermitBookTest {
  private final PermitBook book = new PermitBook();
  private final List<Holder> holders = new ArrayList<>();

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

  @AfterEach
  void stopHolders() {
    holders.forEach(h -> h.executor.shutdownNow());
  }

  /** A live thread that makes the permit calls it is given, one at a time, and stays alive in between. */
  private final class Holder {
    final ExecutorService executor;
    final StallwatchThreadState state;

    Holder(String name) throws Exception {
      executor = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
      });
      holders.add(this);
      state = on(StallwatchRegistry::current);
    }

    <T> T on(Callable<T> call) throws Exception {
      return executor.submit(call).get(2, TimeUnit.SECONDS);
    }

    void does(ThrowingRunnable call) throws Exception {
      on(() -> {
        call.run();
        return null;
      });
    }

    void dies() throws Exception {
      executor.shutdown();
      assertThat(executor.awaitTermination(2, TimeUnit.SECONDS)).isTrue();
      Thread thread = state.thread.get();
      while (thread != null && thread.isAlive()) {
        Thread.onSpinWait();
      }
    }
  }

  interface ThrowingRunnable {
    void run() throws Exception;
  }

  /** What the lock engine's walk of the threads reads (as ThreadSnapshot does, for these threads only). */
  private List<HeldPermit> scan() {
    List<HeldPermit> raw = new ArrayList<>();
    StallwatchPermitLedger.Entry entry = new StallwatchPermitLedger.Entry();
    for (Holder h : holders) {
      Thread thread = h.state.thread.get();
      if (thread == null || !thread.isAlive()) {
        h.state.permits.applyCancellations();
      }
      for (int i = 0; i < h.state.permits.size(); i++) {
        if (h.state.permits.read(i, entry)) {
          raw.add(new HeldPermit(h.state, thread, entry.id, entry.semaphore, entry.permits, entry.site,
              entry.sinceMillis));
        }
      }
    }
    return raw;
  }

  private List<HeldPermit> update() {
    book.beforeScan();
    book.update(scan());
    return book.held();
  }

  /** Moves the coarse clock on, so that acquisitions made after this are younger. */
  private static void laterOn() {
    long before = System.currentTimeMillis();
    while (System.currentTimeMillis() == before) {
      Thread.onSpinWait();
    }
    StallwatchClock.tick();
  }

  @Test
  void permitReleasedByAnotherThreadBalancesTheOldestOutstandingOne() throws Exception {
    Semaphore s = new Semaphore(2);
    Holder a = new Holder("holder-a");
    Holder b = new Holder("holder-b");
    Holder releaser = new Holder("releaser");
    laterOn();
    a.does(() -> StallwatchPermits.acquire(s, 1));
    laterOn();
    b.does(() -> StallwatchPermits.acquire(s, 2));
    assertThat(update()).extracting(HeldPermit::site).containsExactly(1, 2);

    releaser.does(() -> StallwatchPermits.release(s, 9));

    assertThat(update()).as("a's permit is no longer out").extracting(HeldPermit::site).containsExactly(2);
    assertThat(update()).as("still balanced before a applies the cancellation").extracting(HeldPermit::site)
        .containsExactly(2);
    a.does(() -> StallwatchPermits.tryAcquire(new Semaphore(1), 3)); // any permit call applies cancellations
    assertThat(a.state.permits.size()).as("a's own ledger, once it applied the cancellation").isEqualTo(1);
    assertThat(update()).extracting(HeldPermit::site).containsExactly(2, 3);
  }

  @Test
  void releaseOfSeveralPermitsByAnotherThreadBalancesSeveralAcquisitionsOldestFirst() throws Exception {
    Semaphore s = new Semaphore(10);
    Holder a = new Holder("holder-a");
    Holder b = new Holder("holder-b");
    Holder releaser = new Holder("releaser");
    laterOn();
    a.does(() -> StallwatchPermits.acquire(s, 1));
    laterOn();
    b.does(() -> StallwatchPermits.acquire(s, 2, 2));
    laterOn();
    a.does(() -> StallwatchPermits.acquire(s, 3));
    update();

    releaser.does(() -> StallwatchPermits.release(s, 2, 9));

    assertThat(update()).extracting(HeldPermit::site, HeldPermit::permits).containsExactly(tuple(2, 1), tuple(3, 1));
  }

  @Test
  void ownReleaseOfSeveralPermitsBalancesSeveralOwnAcquisitions() throws Exception {
    Semaphore s = new Semaphore(10);
    Holder a = new Holder("holder-a");
    a.does(() -> {
      StallwatchPermits.acquire(s, 1);
      StallwatchPermits.acquire(s, 3, 2);
      StallwatchPermits.tryAcquire(s, 2, 3);
      StallwatchPermits.release(s, 5, 4);
    });

    assertThat(update()).extracting(HeldPermit::site, HeldPermit::permits).containsExactly(tuple(1, 1));
    assertThat(StallwatchPermits.pollForeignRelease()).isNull();
  }

  @Test
  void moreReleasesThanAcquisitionsAreBankedAndBalanceTheNextOnes() throws Exception {
    Semaphore s = new Semaphore(5);
    Holder a = new Holder("holder-a");
    Holder b = new Holder("holder-b");
    Holder c = new Holder("holder-c");
    a.does(() -> {
      StallwatchPermits.acquire(s, 1);
      StallwatchPermits.release(s, 3, 2);
    });
    assertThat(update()).isEmpty();

    b.does(() -> StallwatchPermits.acquire(s, 3, 3));
    assertThat(update()).extracting(HeldPermit::permits).as("two of the three balanced by the bank")
        .containsExactly(1);
    c.does(() -> StallwatchPermits.acquire(s, 4));
    assertThat(update()).as("the bank is spent").extracting(HeldPermit::site, HeldPermit::permits)
        .containsExactly(tuple(3, 1), tuple(4, 1));
  }

  @Test
  void acquisitionPartlyBalancedByTheBankStaysOutAfterItsOwnerAcquiresAgain() throws Exception {
    Semaphore s = new Semaphore(5);
    Holder a = new Holder("holder-a");
    Holder b = new Holder("holder-b");
    a.does(() -> {
      StallwatchPermits.acquire(s, 1);
      StallwatchPermits.release(s, 3, 2);
    });
    update();
    b.does(() -> StallwatchPermits.acquire(s, 3, 3));
    update();

    b.does(() -> StallwatchPermits.acquire(s, 4));

    assertThat(update()).extracting(HeldPermit::site, HeldPermit::permits).containsExactly(tuple(3, 1), tuple(4, 1));
  }

  @Test
  void foreignReleaseBalancedAgainstAnEntryItsOwnerReleasedMeanwhileStillBalancesTheRealOne() throws Exception {
    Semaphore s = new Semaphore(2);
    Holder a = new Holder("holder-a");
    Holder z = new Holder("holder-z");
    Holder releaser = new Holder("releaser");
    a.does(() -> StallwatchPermits.acquire(s, 1));
    List<HeldPermit> readBeforeTheRelease = scan();
    a.does(() -> StallwatchPermits.release(s, 2));
    laterOn();
    z.does(() -> StallwatchPermits.acquire(s, 3));
    releaser.does(() -> StallwatchPermits.release(s, 9)); // returns z's permit
    book.update(readBeforeTheRelease);

    update();
    assertThat(s.availablePermits()).isEqualTo(2);
    assertThat(update()).as("every permit is back").isEmpty();
  }

  @Test
  void drainedPermitsAreOutUntilReleased() throws Exception {
    Semaphore s = new Semaphore(5);
    Holder a = new Holder("holder-a");
    a.does(() -> StallwatchPermits.drainPermits(s, 1));
    assertThat(update()).extracting(HeldPermit::permits).containsExactly(5);

    a.does(() -> StallwatchPermits.release(s, 5, 2));

    assertThat(update()).isEmpty();
    assertThat(s.availablePermits()).isEqualTo(5);
  }

  @Test
  void multiPermitAcquisitionPartlyReleasedByAnotherThreadKeepsTheRestOut() throws Exception {
    Semaphore s = new Semaphore(5);
    Holder a = new Holder("holder-a");
    Holder releaser = new Holder("releaser");
    a.does(() -> StallwatchPermits.drainPermits(s, 1));
    update();

    releaser.does(() -> StallwatchPermits.release(s, 2, 9));

    assertThat(update()).extracting(HeldPermit::permits).containsExactly(3);
  }

  @Test
  void multiPermitAcquisitionPartlyReleasedByAnotherThreadStaysOutAfterItsOwnerAppliesTheCancellation()
      throws Exception {
    Semaphore s = new Semaphore(5);
    Holder a = new Holder("holder-a");
    Holder releaser = new Holder("releaser");
    a.does(() -> StallwatchPermits.drainPermits(s, 1));
    update();
    releaser.does(() -> StallwatchPermits.release(s, 2, 9));
    update();

    a.does(() -> StallwatchPermits.tryAcquire(new Semaphore(0), 2)); // no-op call: does not touch the ledger
    a.does(() -> StallwatchPermits.release(new Semaphore(0), 0, 3)); // a permit call: applies the cancellation
    assertThat(a.state.permits.size()).isEqualTo(1);

    assertThat(update()).extracting(HeldPermit::permits).as("3 of the 5 are still out").containsExactly(3);
    assertThat(s.availablePermits()).isEqualTo(2);
  }

  @Test
  void foreignReleasesOfOneAcquisitionBeforeAndAfterItsOwnerAppliedTheFirstAddUp() throws Exception {
    Semaphore s = new Semaphore(5);
    Holder a = new Holder("holder-a");
    Holder releaser = new Holder("releaser");
    a.does(() -> StallwatchPermits.drainPermits(s, 1));
    update();
    releaser.does(() -> StallwatchPermits.release(s, 2, 9));
    update();
    a.does(() -> StallwatchPermits.release(new Semaphore(0), 0, 3)); // applies the first cancellation
    releaser.does(() -> StallwatchPermits.release(s, 1, 9));
    assertThat(update()).extracting(HeldPermit::permits).containsExactly(2);
    assertThat(update()).extracting(HeldPermit::permits).containsExactly(2);

    a.does(() -> StallwatchPermits.release(new Semaphore(0), 0, 3)); // applies the second

    assertThat(update()).extracting(HeldPermit::permits).containsExactly(2);
    assertThat(a.state.permits.size()).isEqualTo(1);
    a.does(() -> StallwatchPermits.release(s, 2, 4));
    assertThat(update()).isEmpty();
    assertThat(s.availablePermits()).isEqualTo(5);
  }

  @Test
  void reducedPermitsAreOutUntilAReleaseRestoresThem() throws Exception {
    Semaphore s = new Semaphore(3);
    Holder a = new Holder("holder-a");
    Holder releaser = new Holder("releaser");
    a.does(() -> StallwatchPermits.reduced(s, 2)); // what the advice on Semaphore.reducePermits calls
    assertThat(update()).extracting(HeldPermit::site, HeldPermit::permits)
        .containsExactly(tuple(StallwatchPermitLedger.SITE_REDUCED, 2));

    releaser.does(() -> StallwatchPermits.release(s, 2, 9));

    assertThat(update()).isEmpty();
  }

  @Test
  void threadThatDiedHoldingPermitsStillHoldsThemUntilAnotherThreadReleasesThem() throws Exception {
    Semaphore s = new Semaphore(2);
    Holder a = new Holder("holder-a");
    Holder releaser = new Holder("releaser");
    a.does(() -> StallwatchPermits.acquire(s, 2, 1));
    a.dies();

    assertThat(update()).singleElement().satisfies(p -> {
      assertThat(p.holderAlive()).isFalse();
      assertThat(p.holderName()).isEqualTo("holder-a");
      assertThat(p.permits()).isEqualTo(2);
    });

    releaser.does(() -> StallwatchPermits.release(s, 2, 9));
    assertThat(update()).isEmpty();
    assertThat(update()).as("the scan applied the cancellation to the dead thread's ledger").isEmpty();
    assertThat(a.state.permits.size()).isZero();
  }

  @Test
  void releaseBeforeAnyAcquireIsBankedAndBalancesTheNextAcquisition() throws Exception {
    Semaphore signal = new Semaphore(0);
    Holder producer = new Holder("producer");
    Holder consumer = new Holder("consumer");
    producer.does(() -> StallwatchPermits.release(signal, 1));
    assertThat(update()).isEmpty();

    consumer.does(() -> StallwatchPermits.acquire(signal, 2));

    assertThat(update()).isEmpty();
  }

  @Test
  void permitsHandedBetweenManyThreadsAreAllBalancedOnceEveryPermitIsBack() throws Exception {
    handOffs(false);
  }

  @Test
  void permitsHandedBetweenManyThreadsWhileTheWatchdogScansAreAllBalancedOnceEveryPermitIsBack() throws Exception {
    handOffs(true);
  }

  private void handOffs(boolean scanMeanwhile) throws Exception {
    Semaphore s = new Semaphore(4);
    LinkedBlockingQueue<Boolean> handOff = new LinkedBlockingQueue<>();
    List<Holder> workers = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      workers.add(new Holder("worker-" + i));
    }
    AtomicBoolean done = new AtomicBoolean();
    Thread watchdog = new Thread(() -> {
      while (scanMeanwhile && !done.get()) {
        book.beforeScan();
        book.update(scan());
      }
    }, "test-watchdog");
    watchdog.start();
    List<java.util.concurrent.Future<?>> runs = new ArrayList<>();
    for (int i = 0; i < workers.size(); i++) {
      boolean acquirer = i % 2 == 0;
      runs.add(workers.get(i).executor.submit(() -> {
        for (int n = 0; n < 2_000; n++) {
          if (acquirer) {
            StallwatchPermits.acquire(s, 1);
            if (n % 2 == 0) {
              StallwatchPermits.release(s, 2); // its own
            } else {
              handOff.put(true); // released by another thread
            }
          } else if (n % 2 == 1) { // as many as one acquirer hands off
            handOff.take();
            StallwatchPermits.release(s, 3);
          }
        }
        return null;
      }));
    }
    try {
      for (var run : runs) {
        run.get(10, TimeUnit.SECONDS);
      }
    } finally {
      done.set(true);
      watchdog.join();
    }

    assertThat(s.availablePermits()).isEqualTo(4);
    update();
    assertThat(update()).as("after two scans").isEmpty();
  }
}
