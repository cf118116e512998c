package dev.stallwatch.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The per-thread permit ledger, driven directly (it is plain Java; only the shipped jar relocates it into java.base),
 * and through the {@link StallwatchPermits} hooks the rewritten call sites call, on threads of the test's own.
 */
class StallwatchPermitLedgerTest {
  private final Object semaphore = new Object();
  private final Object other = new Object();
  private final StallwatchPermitLedger ledger = new StallwatchPermitLedger(null);

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

  private List<StallwatchPermitLedger.Entry> entries(StallwatchPermitLedger l) {
    List<StallwatchPermitLedger.Entry> out = new ArrayList<>();
    for (int i = 0; i < l.size(); i++) {
      StallwatchPermitLedger.Entry e = new StallwatchPermitLedger.Entry();
      if (l.read(i, e)) {
        out.add(e);
      }
    }
    return out;
  }

  @Test
  void acquisitionsAreOutstandingOldestFirstEachWithItsSiteAndTime() {
    ledger.add(semaphore, 1, 11, 1000);
    ledger.add(other, 2, 12, 2000);

    assertThat(entries(ledger)).extracting(e -> e.semaphore, e -> e.permits, e -> e.site, e -> e.sinceMillis)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(semaphore, 1, 11, 1000L),
            org.assertj.core.groups.Tuple.tuple(other, 2, 12, 2000L));
  }

  @Test
  void ownReleaseBalancesTheNewestAcquisitionOfThatSemaphoreAndKeepsTheOrderOfTheRest() {
    ledger.add(semaphore, 1, 1, 1000);
    ledger.add(other, 1, 2, 2000);
    ledger.add(semaphore, 1, 3, 3000);

    assertThat(ledger.release(semaphore, 1)).isZero();

    assertThat(entries(ledger)).extracting(e -> e.site).containsExactly(1, 2);
  }

  @Test
  void releaseOfSeveralPermitsBalancesSeveralAcquisitions() {
    ledger.add(semaphore, 1, 1, 1000);
    ledger.add(semaphore, 2, 2, 2000);
    ledger.add(other, 1, 3, 3000);
    ledger.add(semaphore, 1, 4, 4000);

    assertThat(ledger.release(semaphore, 4)).as("every permit released was held").isZero();

    assertThat(entries(ledger)).extracting(e -> e.site).containsExactly(3);
  }

  @Test
  void partialReleaseOfAMultiPermitAcquisitionLeavesTheRestOutUnderTheSameId() {
    ledger.add(semaphore, 3, 1, 1000);
    long id = entries(ledger).get(0).id;

    assertThat(ledger.release(semaphore, 1)).isZero();

    assertThat(entries(ledger)).singleElement().satisfies(e -> {
      assertThat(e.permits).isEqualTo(2);
      assertThat(e.id).isEqualTo(id);
    });
  }

  @Test
  void moreReleasesThanAcquisitionsReturnTheExcessAsNotHeld() {
    ledger.add(semaphore, 2, 1, 1000);

    assertThat(ledger.release(semaphore, 5)).isEqualTo(3);
    assertThat(ledger.release(other, 1)).as("a semaphore this thread took nothing of").isEqualTo(1);
    assertThat(ledger.size()).isZero();
  }

  @Test
  void watchdogsCancellationIsAppliedOnTheOwnersNextPermitCallNotBefore() {
    ledger.add(semaphore, 2, 1, 1000);
    long id = entries(ledger).get(0).id;

    ledger.cancel(new StallwatchPermitCancellation(semaphore, id, 1));
    assertThat(entries(ledger)).as("posted, not yet applied").singleElement()
        .satisfies(e -> assertThat(e.permits).isEqualTo(2));

    ledger.add(other, 1, 2, 2000);
    assertThat(entries(ledger)).extracting(e -> e.site, e -> e.permits)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(1, 1), org.assertj.core.groups.Tuple.tuple(2, 1));

    ledger.cancel(new StallwatchPermitCancellation(semaphore, id, 1));
    assertThat(ledger.release(other, 1)).isZero();
    assertThat(ledger.size()).as("the release applied the second cancellation first").isZero();
  }

  @Test
  void cancellationOfMoreThanAnEntryHoldsRemovesItWithoutTouchingOthersAndHandsTheRestBack() {
    ledger.add(semaphore, 1, 1, 1000);
    ledger.add(semaphore, 1, 2, 2000);
    long first = entries(ledger).get(0).id;
    StallwatchPermitCancellation cancellation = new StallwatchPermitCancellation(semaphore, first, 5);

    ledger.cancel(cancellation);
    ledger.applyCancellations();

    assertThat(entries(ledger)).extracting(e -> e.site, e -> e.permits)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(2, 1));
    assertThat(cancellation.done).isTrue();
    StallwatchPermits.Release rest = StallwatchPermits.pollForeignRelease();
    assertThat(rest).as("the 4 permits the entry did not hold balance others").isNotNull();
    assertThat(rest.semaphore).isSameAs(semaphore);
    assertThat(rest.permits).isEqualTo(4);
  }

  @Test
  void cancellationOfAnEntryAlreadyReleasedLeavesTheLedgerAndHandsItsPermitsBack() {
    ledger.add(semaphore, 1, 1, 1000);
    long id = entries(ledger).get(0).id;
    ledger.release(semaphore, 1);
    ledger.add(semaphore, 1, 2, 2000);

    ledger.cancel(new StallwatchPermitCancellation(semaphore, id, 1));
    ledger.applyCancellations();

    assertThat(entries(ledger)).extracting(e -> e.site).containsExactly(2);
    assertThat(StallwatchPermits.pollForeignRelease()).extracting(r -> r.permits).isEqualTo(1);
  }

  @Test
  void cancellationIsTakenEitherByTheOwnerOrByTheWatchdogNeverBoth() {
    ledger.add(semaphore, 1, 1, 1000);
    long id = entries(ledger).get(0).id;
    StallwatchPermitCancellation withdrawn = new StallwatchPermitCancellation(semaphore, id, 1);
    ledger.cancel(withdrawn);

    assertThat(ledger.withdraw(withdrawn)).isTrue();
    ledger.applyCancellations();
    assertThat(entries(ledger)).as("a withdrawn cancellation is not applied").hasSize(1);
    assertThat(withdrawn.done).isFalse();

    StallwatchPermitCancellation applied = new StallwatchPermitCancellation(semaphore, id, 1);
    ledger.cancel(applied);
    ledger.applyCancellations();
    assertThat(ledger.withdraw(applied)).as("once applied it cannot be withdrawn").isFalse();
    assertThat(applied.done).isTrue();
    assertThat(ledger.size()).isZero();
  }


  @Test
  void beyondMaxEntriesAcquisitionsAreCountedAsUntrackedNotRecorded() {
    long untrackedBefore = StallwatchHealth.untrackedPermits.get();
    for (int i = 0; i < StallwatchPermitLedger.MAX_ENTRIES + 3; i++) {
      ledger.add(semaphore, 1, i, i);
    }

    assertThat(ledger.size()).isEqualTo(StallwatchPermitLedger.MAX_ENTRIES);
    assertThat(StallwatchHealth.untrackedPermits.get() - untrackedBefore).isEqualTo(3);
  }

  @Test
  void readBeyondTheEntriesIsFalse() {
    ledger.add(semaphore, 1, 1, 1000);
    StallwatchPermitLedger.Entry e = new StallwatchPermitLedger.Entry();

    assertThat(ledger.read(1, e)).isFalse();
    assertThat(ledger.read(10_000, e)).isFalse();
  }

  @Test
  void watchdogReadingWhileTheOwnerAcquiresAndReleasesSeesOnlyRealEntries() throws Exception {
    AtomicBoolean done = new AtomicBoolean();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    AtomicLong reads = new AtomicLong();
    // On a busy machine the reader may get no turn during 2,000 rounds: the owner goes on until it has read something.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    Thread owner = new Thread(() -> {
      try {
        for (int round = 0; round < 2_000 || (reads.get() == 0 && System.nanoTime() < deadline); round++) {
          for (int i = 0; i < 40; i++) {
            ledger.add(i % 2 == 0 ? semaphore : other, 1 + i % 3, i, round);
          }
          ledger.release(semaphore, 40);
          ledger.release(other, 40);
        }
      } catch (Throwable t) {
        failure.set(t);
      } finally {
        done.set(true);
      }
    }, "ledger-owner");
    owner.start();
    StallwatchPermitLedger.Entry e = new StallwatchPermitLedger.Entry();
    while (!done.get()) {
      int size = ledger.size();
      assertThat(size).isBetween(0, 40);
      for (int i = 0; i < size; i++) {
        if (ledger.read(i, e)) {
          reads.incrementAndGet();
          assertThat(e.semaphore).isIn(semaphore, other);
          assertThat(e.permits).isBetween(1, 3);
        }
      }
    }
    owner.join();
    assertThat(failure.get()).isNull();
    assertThat(ledger.size()).isZero();
    assertThat(reads.get()).isPositive();
  }

  // ---- through the hooks, each on a thread of its own so the JUnit thread's ledger stays empty

  private static StallwatchThreadState onNewThread(ThrowingRunnable body) throws Exception {
    AtomicReference<StallwatchThreadState> state = new AtomicReference<>();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread t = new Thread(() -> {
      try {
        body.run();
        state.set(StallwatchRegistry.current());
      } catch (Throwable e) {
        failure.set(e);
      }
    }, "permit-hooks");
    t.start();
    t.join(2_000);
    assertThat(failure.get()).isNull();
    return state.get();
  }

  interface ThrowingRunnable {
    void run() throws Exception;
  }

  @Test
  void failedTryAcquireAccountsNothing() throws Exception {
    Semaphore s = new Semaphore(0);
    StallwatchThreadState state = onNewThread(() -> assertThat(StallwatchPermits.tryAcquire(s, 7)).isFalse());

    assertThat(state.permits.size()).isZero();
  }

  @Test
  void drainPermitsAccountsEveryPermitDrainedAsOneAcquisition() throws Exception {
    Semaphore s = new Semaphore(5);
    StallwatchThreadState state = onNewThread(() -> {
      assertThat(StallwatchPermits.drainPermits(s, 7)).isEqualTo(5);
      assertThat(StallwatchPermits.drainPermits(s, 8)).as("nothing left").isZero();
    });

    assertThat(entries(state.permits)).singleElement().satisfies(e -> {
      assertThat(e.permits).isEqualTo(5);
      assertThat(e.site).isEqualTo(7);
    });
  }

  @Test
  void releaseByAThreadHoldingNoneIsQueuedForTheWatchdogAsForeign() throws Exception {
    Semaphore s = new Semaphore(1);
    StallwatchThreadState state = onNewThread(() -> {
      assertThat(StallwatchPermits.tryAcquire(s, 2)).isTrue();
      StallwatchPermits.release(s, 3, 3); // holds 1 of the 3
    });

    assertThat(state.permits.size()).isZero();
    StallwatchPermits.Release release = StallwatchPermits.pollForeignRelease();
    assertThat(release).isNotNull();
    assertThat(release.semaphore).isSameAs(s);
    assertThat(release.permits).isEqualTo(2);
    assertThat(StallwatchPermits.pollForeignRelease()).isNull();
  }

  @Test
  void reducedPermitsAreAccountedAsOwnedByNobody() throws Exception {
    Semaphore s = new Semaphore(3);
    StallwatchThreadState state = onNewThread(() -> StallwatchPermits.reduced(s, 2));

    assertThat(entries(state.permits)).singleElement().satisfies(e -> {
      assertThat(e.permits).isEqualTo(2);
      assertThat(e.site).isEqualTo(StallwatchPermitLedger.SITE_REDUCED);
    });
  }
}
