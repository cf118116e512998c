package dev.stallwatch.locks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stallwatch.bootstrap.StallwatchRegistry;
import dev.stallwatch.bootstrap.StallwatchThreadState;
import dev.stallwatch.permits.HeldPermit;
import dev.stallwatch.permits.PermitBook;
import dev.stallwatch.report.Detection;
import dev.stallwatch.report.DetectionKind;
import dev.stallwatch.report.Detections;
import java.lang.reflect.Field;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The lock-wait filters, with real threads parked on real locks and semaphores. The agent's hooks are not installed
 * here, so each test marks a thread as waiting as the slow-path hook does ({@code waitingOn}, since, sequence), and
 * hands the detector the walk's result and the permit book itself; the clock is the {@code nowMillis} it is given.
 */
@SuppressWarnings("unchecked")
class LockWaitDetectorTest {
  private static final long THRESHOLD = 1000;
  private static final long SINCE = 1_000_000;
  private static final IntFunction<String> SITES = id -> "Site" + id;

  private final List<Detection> detections = new CopyOnWriteArrayList<>();
  private final LockWaitDetector detector =
      new LockWaitDetector(new Detections(List.of(detections::add)), Duration.ofMillis(THRESHOLD));
  private final ThreadSnapshot snapshot = new ThreadSnapshot();
  private final PermitBook book = new PermitBook();
  private final List<Thread> started = new ArrayList<>();
  private final CountDownLatch finish = new CountDownLatch(1);

  interface Blocking {
    void run() throws Exception;
  }

  @AfterEach
  void endThreads() throws InterruptedException {
    finish.countDown();
    for (Thread t : started) {
      t.interrupt();
    }
    for (Thread t : started) {
      t.join(2_000);
    }
  }

  /** A thread that registers with the agent's registry, then makes {@code call}; returns once it is parked. */
  private StallwatchThreadState parked(String name, Blocking call) throws Exception {
    return started(name, call, Thread.State.WAITING);
  }

  /** Starts {@code call} on a registered thread; returns once the thread is in state {@code until} (null: at once). */
  private StallwatchThreadState started(String name, Blocking call, Thread.State until) throws Exception {
    AtomicReference<StallwatchThreadState> state = new AtomicReference<>();
    CountDownLatch registered = new CountDownLatch(1);
    Thread t = new Thread(() -> {
      state.set(StallwatchRegistry.current());
      registered.countDown();
      try {
        call.run();
      } catch (Exception interruptedAtTheEnd) {
        // the test is over
      }
    }, name);
    t.setDaemon(true);
    started.add(t);
    t.start();
    registered.await();
    long deadline = System.nanoTime() + 2_000_000_000L;
    while (until != null && t.getState() != until) {
      assertThat(System.nanoTime()).as(name + " reaches " + until).isLessThan(deadline);
      Thread.sleep(1);
    }
    return state.get();
  }

  /** A thread holding {@code lock} until the test ends. */
  private Thread holding(String name, ReentrantLock lock) throws Exception {
    return started(name, () -> {
      lock.lock();
      try {
        finish.await();
      } finally {
        lock.unlock();
      }
    }, Thread.State.WAITING).thread.get();
  }

  /** What the slow-path hook writes when an acquisition begins to wait. */
  private static void waits(StallwatchThreadState state, Object synchronizer, long sinceMillis) {
    state.waitKind = StallwatchThreadState.WAIT_EXCLUSIVE;
    state.waitSinceMillis = sinceMillis;
    state.waitSequence++;
    state.waitingOn = synchronizer;
  }

  private static Object syncOf(ReentrantLock lock) throws ReflectiveOperationException {
    Field sync = ReentrantLock.class.getDeclaredField("sync");
    sync.setAccessible(true);
    return sync.get(lock);
  }

  private void check(long nowMillis) {
    detector.check(snapshot, book, nowMillis, SITES);
  }

  private StallwatchThreadState waitingFor(String name, ReentrantLock lock) throws Exception {
    StallwatchThreadState state = parked(name, lock::lockInterruptibly);
    waits(state, syncOf(lock), SINCE);
    snapshot.waiting.add(state);
    return state;
  }

  @Test
  void contendedLockPastTheThresholdIsReportedWhileStillWaitingWithItsOwner() throws Exception {
    ReentrantLock lock = new ReentrantLock();
    holding("lock-holder", lock);
    waitingFor("lock-waiter", lock);

    check(SINCE + 1500);

    assertThat(detections).singleElement().satisfies(d -> {
      assertThat(d.kind()).isEqualTo(DetectionKind.LOCK_WAIT);
      assertThat(d.thread()).isEqualTo("lock-waiter");
      assertThat(d.details()).containsEntry("phase", "waiting").containsEntry("waitedMillis", 1500L)
          .containsEntry("thresholdMillis", THRESHOLD).containsEntry("ownerTerminated", false)
          .containsEntry("lockClass", "java.util.concurrent.locks.ReentrantLock");
      assertThat((Map<String, Object>) d.details().get("owner")).containsEntry("name", "lock-holder");
      assertThat(d.message()).contains("held by thread \"lock-holder\"");
      assertThat(String.join("\n", d.stack())).contains("ReentrantLock.lockInterruptibly");
    });
  }

  @Test
  void waitBelowTheThresholdIsNotReported() throws Exception {
    ReentrantLock lock = new ReentrantLock();
    holding("lock-holder", lock);
    waitingFor("lock-waiter", lock);

    check(SINCE + THRESHOLD - 1);

    assertThat(detections).isEmpty();
  }

  @Test
  void longWaitIsReportedOnce() throws Exception {
    ReentrantLock lock = new ReentrantLock();
    holding("lock-holder", lock);
    waitingFor("lock-waiter", lock);

    check(SINCE + 1500);
    check(SINCE + 2500);
    check(SINCE + 60_000);

    assertThat(detections).hasSize(1);
  }

  @Test
  void waitForASemaphoreOfWhichNoThreadHoldsAPermitIsAWaitForWork() throws Exception {
    Semaphore work = new Semaphore(0);
    StallwatchThreadState state = parked("idle-worker", work::acquire);
    waits(state, LockOwners.synchronizerOf(work), SINCE);
    snapshot.waiting.add(state);

    check(SINCE + 60_000);

    assertThat(detections).isEmpty();
  }

  @Test
  void semaphoreWaitIsReportedWithWhoHoldsThePermits() throws Exception {
    Semaphore semaphore = new Semaphore(1);
    StallwatchThreadState holder = started("permit-holder", () -> {
      semaphore.acquire();
      finish.await();
    }, Thread.State.WAITING);
    book.update(List.of(new HeldPermit(holder, holder.thread.get(), 1, semaphore, 1, 42, SINCE - 500)));
    StallwatchThreadState waiter = parked("permit-waiter", semaphore::acquire);
    waits(waiter, LockOwners.synchronizerOf(semaphore), SINCE);
    snapshot.waiting.add(waiter);

    check(SINCE + 1500);

    assertThat(detections).singleElement().satisfies(d -> {
      assertThat(d.kind()).isEqualTo(DetectionKind.LOCK_WAIT);
      assertThat(d.details()).containsEntry("availablePermits", 0)
          .containsEntry("lockClass", "java.util.concurrent.Semaphore");
      assertThat((List<?>) d.details().get("holders")).singleElement()
          .satisfies(h -> assertThat((Map<String, Object>) h).containsEntry("name", "permit-holder")
              .containsEntry("acquiredAt", "Site42").containsEntry("permits", 1));
      assertThat(d.message()).contains("the oldest permit out is held by thread \"permit-holder\"", "Site42");
    });
  }

  @Test
  void threadNoLongerParkedIsNotReported() throws Exception {
    Object monitor = new Object();
    ReentrantLock lock = new ReentrantLock();
    CountDownLatch holds = new CountDownLatch(1);
    Thread holder = new Thread(() -> {
      synchronized (monitor) {
        holds.countDown();
        try {
          finish.await();
        } catch (InterruptedException end) {
          // the test is over
        }
      }
    }, "monitor-holder");
    holder.setDaemon(true);
    started.add(holder);
    holder.start();
    holds.await();
    // Marked as waiting for the lock (a wait whose end the hook missed), but blocked on a monitor now.
    StallwatchThreadState state = started("moved-on", () -> {
      synchronized (monitor) {
        monitor.notifyAll();
      }
    }, Thread.State.BLOCKED);
    waits(state, syncOf(lock), SINCE);
    snapshot.waiting.add(state);

    check(SINCE + 60_000);

    assertThat(detections).isEmpty();
  }

  @Test
  void deadlockCycleIsLeftToTheDeadlockDetectorButAThreadWaitingOnItIsReported() throws Exception {
    ReentrantLock first = new ReentrantLock();
    ReentrantLock second = new ReentrantLock();
    CountDownLatch bothHold = new CountDownLatch(2);
    StallwatchThreadState a = crossing("cycle-a", first, second, bothHold);
    StallwatchThreadState b = crossing("cycle-b", second, first, bothHold);
    long deadline = System.nanoTime() + 2_000_000_000L;
    while (a.thread.get().getState() != Thread.State.WAITING || b.thread.get().getState() != Thread.State.WAITING) {
      assertThat(System.nanoTime()).as("the cycle forms").isLessThan(deadline);
      Thread.sleep(1);
    }
    waits(a, syncOf(second), SINCE);
    waits(b, syncOf(first), SINCE);
    snapshot.waiting.add(a);
    snapshot.waiting.add(b);
    waitingFor("bystander", first);

    check(SINCE + 1500);

    assertThat(detections).extracting(Detection::thread).containsExactly("bystander");
  }

  private StallwatchThreadState crossing(String name, ReentrantLock mine, ReentrantLock theirs,
      CountDownLatch bothHold) throws Exception {
    return started(name, () -> {
      mine.lock();
      try {
        bothHold.countDown();
        bothHold.await();
        theirs.lockInterruptibly();
        theirs.unlock();
      } finally {
        mine.unlock();
      }
    }, null); // the test waits for the cycle itself
  }

  /** A thread holding {@code held} permits of {@code semaphore} (in the book too), then waiting for {@code more}. */
  private StallwatchThreadState holdsThenWaits(String name, Semaphore semaphore, int held, int more)
      throws Exception {
    StallwatchThreadState state = parked(name, () -> {
      semaphore.acquire(held);
      semaphore.acquire(more);
    });
    waits(state, LockOwners.synchronizerOf(semaphore), SINCE);
    snapshot.waiting.add(state);
    return state;
  }

  @Test
  void threadWaitingForAPermitWhileItHoldsEveryPermitOutIsADeadlockOnceItWaited200Ms() throws Exception {
    Semaphore semaphore = new Semaphore(2);
    StallwatchThreadState waiter = holdsThenWaits("self-waiter", semaphore, 2, 1);
    book.update(List.of(new HeldPermit(waiter, waiter.thread.get(), 1, semaphore, 2, 7, SINCE - 10)));
    LockWaitDetector longThreshold =
        new LockWaitDetector(new Detections(List.of(detections::add)), Duration.ofSeconds(10));

    longThreshold.check(snapshot, book, SINCE + 199, SITES);
    assertThat(detections).as("a foreign release may still come").isEmpty();

    longThreshold.check(snapshot, book, SINCE + 200, SITES);
    longThreshold.check(snapshot, book, SINCE + 5000, SITES);

    assertThat(detections).singleElement().satisfies(d -> {
      assertThat(d.kind()).isEqualTo(DetectionKind.DEADLOCK);
      assertThat(d.thread()).isEqualTo("self-waiter");
      assertThat(d.details()).containsEntry("heldPermits", 2).containsEntry("availablePermits", 0);
      assertThat(d.message()).contains("waiting for itself", "Site7");
    });
    assertThat(longThreshold.selfDeadlocked()).containsExactly(waiter);
  }

  @Test
  void selfWaitWithAPermitAvailableIsNoDeadlockButAnOrdinaryLongWait() throws Exception {
    Semaphore semaphore = new Semaphore(3);
    StallwatchThreadState waiter = holdsThenWaits("wants-more", semaphore, 2, 2);
    book.update(List.of(new HeldPermit(waiter, waiter.thread.get(), 1, semaphore, 2, 7, SINCE - 10)));

    check(SINCE + 500);
    assertThat(detections).isEmpty();
    check(SINCE + 1500);

    assertThat(detections).singleElement().satisfies(d -> assertThat(d.kind()).isEqualTo(DetectionKind.LOCK_WAIT));
    assertThat(detector.selfDeadlocked()).isEmpty();
  }

  @Test
  void selfWaitIsNoDeadlockWhenAnotherThreadHoldsAPermitToo() throws Exception {
    Semaphore semaphore = new Semaphore(2);
    StallwatchThreadState other = started("other-holder", () -> {
      semaphore.acquire();
      finish.await();
    }, Thread.State.WAITING);
    StallwatchThreadState waiter = holdsThenWaits("half-holder", semaphore, 1, 1);
    book.update(List.of(new HeldPermit(other, other.thread.get(), 1, semaphore, 1, 8, SINCE - 20),
        new HeldPermit(waiter, waiter.thread.get(), 1, semaphore, 1, 7, SINCE - 10)));

    check(SINCE + 500);
    assertThat(detections).isEmpty();
    check(SINCE + 1500);

    assertThat(detections).singleElement().satisfies(d -> assertThat(d.kind()).isEqualTo(DetectionKind.LOCK_WAIT));
  }

  @Test
  void secondLongWaitAtTheSameSiteIsHeldBackAndCountedInTheFirstOnesEnd() throws Exception {
    ReentrantLock lock = new ReentrantLock();
    holding("lock-holder", lock);
    Blocking sameSite = lock::lockInterruptibly;
    StallwatchThreadState first = parked("storm-1", sameSite);
    StallwatchThreadState second = parked("storm-2", sameSite);
    waits(first, syncOf(lock), SINCE);
    waits(second, syncOf(lock), SINCE);
    snapshot.waiting.add(first);
    snapshot.waiting.add(second);

    check(SINCE + 1500);
    assertThat(detections).extracting(Detection::thread).containsExactly("storm-1");

    first.thread.get().interrupt(); // its acquisition ends
    first.waitingOn = null; // as the hook's exit says
    check(SINCE + 2000);

    assertThat(detections).hasSize(2);
    assertThat(detections.get(1)).satisfies(d -> {
      assertThat(d.thread()).isEqualTo("storm-1");
      assertThat(d.details()).containsEntry("phase", "ended").containsEntry("waitedMillis", 2000L)
          .containsEntry("suppressed", 1L);
      assertThat(d.message()).contains("ended after", "1 similar waits");
    });
  }

  @Test
  void reportedWaitSaysOnceThatItEnded() throws Exception {
    ReentrantLock lock = new ReentrantLock();
    Thread holder = holding("lock-holder", lock);
    StallwatchThreadState waiter = waitingFor("lock-waiter", lock);
    check(SINCE + 1500);
    assertThat(detections).hasSize(1);

    check(SINCE + 1800);
    assertThat(detections).as("still waiting").hasSize(1);
    waits(waiter, waiter.waitingOn, SINCE + 2000); // a new wait of this thread on that lock: the reported one is over
    check(SINCE + 2100);
    check(SINCE + 2500);

    assertThat(detections).hasSize(2);
    assertThat(detections.get(1).details()).containsEntry("phase", "ended").containsEntry("waitedMillis", 2100L)
        .containsEntry("lock", detections.get(0).details().get("lock")).doesNotContainKey("suppressed");
    assertThat(holder.isAlive()).isTrue();
  }
}
