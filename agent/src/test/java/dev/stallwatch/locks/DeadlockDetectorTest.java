package dev.stallwatch.locks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stallwatch.report.Detection;
import dev.stallwatch.report.DetectionKind;
import dev.stallwatch.report.Detections;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Deadlock cycles, made for real by daemon threads of the test JVM. Cycles on j.u.c locks are dissolved at the end by
 * interrupting a thread; a cycle on monitors never dissolves, so it stays until the JVM exits, and every test looks
 * only at the cycles of its own, uniquely named, threads.
 */
@SuppressWarnings("unchecked")
class DeadlockDetectorTest {
  private final List<Detection> detections = new CopyOnWriteArrayList<>();
  private final DeadlockDetector detector = new DeadlockDetector(new Detections(List.of(detections::add)));
  private final List<Thread> started = new ArrayList<>();
  private volatile boolean over;

  @AfterEach
  void dissolve() throws InterruptedException {
    over = true;
    started.forEach(Thread::interrupt);
    for (Thread t : started) {
      if (!t.getName().contains("monitor")) { // a monitor cycle never ends
        t.join(1_000);
        assertThat(t.isAlive()).as(t.getName() + " ended").isFalse();
      }
    }
  }

  private Thread start(String name, Runnable body) {
    Thread t = new Thread(body, name);
    t.setDaemon(true);
    started.add(t);
    t.start();
    return t;
  }

  /** Holds {@code mine}, waits until every thread of the cycle holds its own, then asks for {@code next}. */
  private Runnable lockThenNext(ReentrantLock mine, ReentrantLock next, CyclicBarrier allHold) {
    return () -> {
      mine.lock();
      try {
        allHold.await();
        next.lockInterruptibly();
        next.unlock();
      } catch (Exception dissolved) {
        // interrupted: the cycle is broken
      } finally {
        mine.unlock();
      }
    };
  }

  private Runnable monitorThenNext(Object mine, Object next, CyclicBarrier allHold) {
    return () -> {
      synchronized (mine) {
        try {
          allHold.await();
        } catch (Exception e) {
          return;
        }
        synchronized (next) {
          Thread.onSpinWait(); // a body for the block: entering it is what matters
        }
      }
    };
  }

  private static void awaitDeadlocked(Thread... threads) throws InterruptedException {
    Set<Long> wanted = Arrays.stream(threads).map(Thread::getId).collect(Collectors.toSet());
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
    while (true) {
      long[] ids = ManagementFactory.getThreadMXBean().findDeadlockedThreads();
      if (ids != null && Arrays.stream(ids).boxed().collect(Collectors.toSet()).containsAll(wanted)) {
        return;
      }
      assertThat(System.nanoTime()).as("the cycle forms").isLessThan(deadline);
      Thread.sleep(2);
    }
  }

  /** The detections whose cycle is exactly these threads (other tests' monitor cycles stay in the JVM). */
  private List<Detection> cyclesOf(String... names) {
    return detections.stream().filter(d -> d.kind() == DetectionKind.DEADLOCK)
        .filter(d -> names(d).equals(Set.of(names))).toList();
  }

  private static Set<String> names(Detection d) {
    return ((List<Map<String, Object>>) d.details().get("threads")).stream().map(t -> (String) t.get("name"))
        .collect(Collectors.toSet());
  }

  @Test
  void twoThreadsOnReentrantLocksAreOneDeadlockWithWhatEachWaitsForAndHolds() throws Exception {
    ReentrantLock a = new ReentrantLock();
    ReentrantLock b = new ReentrantLock();
    CyclicBarrier allHold = new CyclicBarrier(2);
    Thread t1 = start("dl-lock-1", lockThenNext(a, b, allHold));
    Thread t2 = start("dl-lock-2", lockThenNext(b, a, allHold));
    awaitDeadlocked(t1, t2);

    detector.run();

    assertThat(cyclesOf("dl-lock-1", "dl-lock-2")).singleElement().satisfies(d -> {
      List<Map<String, Object>> threads = (List<Map<String, Object>>) d.details().get("threads");
      for (Map<String, Object> t : threads) {
        assertThat((String) t.get("waitingFor")).startsWith("java.util.concurrent.locks.ReentrantLock@");
        assertThat((List<String>) t.get("holds")).hasSize(1);
        assertThat((List<String>) t.get("holds")).doesNotContain((String) t.get("waitingFor"));
        assertThat((String) t.get("waitingForOwner")).isNotEqualTo(t.get("name")).startsWith("dl-lock-");
        assertThat((List<String>) t.get("stack")).anyMatch(f -> f.contains("DeadlockDetectorTest"));
      }
      assertThat(d.message()).startsWith("Deadlock: thread \"dl-lock-").contains("none of them can go on");
    });
  }

  @Test
  void threeThreadsOnReentrantLocksAreOneCycleOfThree() throws Exception {
    ReentrantLock a = new ReentrantLock();
    ReentrantLock b = new ReentrantLock();
    ReentrantLock c = new ReentrantLock();
    CyclicBarrier allHold = new CyclicBarrier(3);
    Thread t1 = start("dl3-lock-1", lockThenNext(a, b, allHold));
    Thread t2 = start("dl3-lock-2", lockThenNext(b, c, allHold));
    Thread t3 = start("dl3-lock-3", lockThenNext(c, a, allHold));
    awaitDeadlocked(t1, t2, t3);

    detector.run();

    assertThat(cyclesOf("dl3-lock-1", "dl3-lock-2", "dl3-lock-3")).hasSize(1);
  }

  @Test
  void twoAndThreeThreadsOnMonitorsAreEachOneCycle() throws Exception {
    Object m1 = new Object();
    Object m2 = new Object();
    CyclicBarrier two = new CyclicBarrier(2);
    Thread a1 = start("dl-monitor-1", monitorThenNext(m1, m2, two));
    Thread a2 = start("dl-monitor-2", monitorThenNext(m2, m1, two));
    Object n1 = new Object();
    Object n2 = new Object();
    Object n3 = new Object();
    CyclicBarrier three = new CyclicBarrier(3);
    Thread b1 = start("dl3-monitor-1", monitorThenNext(n1, n2, three));
    Thread b2 = start("dl3-monitor-2", monitorThenNext(n2, n3, three));
    Thread b3 = start("dl3-monitor-3", monitorThenNext(n3, n1, three));
    awaitDeadlocked(a1, a2, b1, b2, b3);

    detector.run();

    assertThat(cyclesOf("dl-monitor-1", "dl-monitor-2")).singleElement().satisfies(d -> {
      for (Map<String, Object> t : (List<Map<String, Object>>) d.details().get("threads")) {
        assertThat(t).containsEntry("state", "BLOCKED");
        assertThat((String) t.get("waitingFor")).startsWith("java.lang.Object@");
      }
    });
    assertThat(cyclesOf("dl3-monitor-1", "dl3-monitor-2", "dl3-monitor-3")).hasSize(1);
  }

  @Test
  void cycleOfAMonitorAndAReentrantLockIsADeadlockToo() throws Exception {
    Object monitor = new Object();
    ReentrantLock lock = new ReentrantLock();
    CyclicBarrier bothHold = new CyclicBarrier(2);
    Thread t1 = start("dl-mixed-monitor", () -> {
      synchronized (monitor) {
        try {
          bothHold.await();
          lock.lockInterruptibly();
          lock.unlock();
        } catch (Exception dissolved) {
          // interrupted: the cycle is broken
        }
      }
    });
    Thread t2 = start("dl-mixed-lock", () -> {
      lock.lock();
      try {
        bothHold.await();
        synchronized (monitor) {
          Thread.onSpinWait(); // a body for the block: entering it is what matters
        }
      } catch (Exception e) {
        // not part of a cycle after all
      } finally {
        lock.unlock();
      }
    });
    awaitDeadlocked(t1, t2);

    detector.run();

    assertThat(cyclesOf("dl-mixed-monitor", "dl-mixed-lock")).singleElement().satisfies(d -> assertThat(
        ((List<Map<String, Object>>) d.details().get("threads")).stream().map(t -> (String) t.get("waitingFor")))
        .anyMatch(w -> w.startsWith("java.lang.Object@"))
        .anyMatch(w -> w.startsWith("java.util.concurrent.locks.ReentrantLock@")));
  }

  @Test
  void cycleIsReportedOnceWhileItLastsAndAgainWhenItFormsAnew() throws Exception {
    ReentrantLock a = new ReentrantLock();
    ReentrantLock b = new ReentrantLock();
    CyclicBarrier allHold = new CyclicBarrier(2);
    Semaphore rounds = new Semaphore(0);
    Semaphore roundsDone = new Semaphore(0);
    Thread t1 = start("dl-again-1", rounds(a, b, allHold, rounds, roundsDone));
    Thread t2 = start("dl-again-2", rounds(b, a, allHold, rounds, roundsDone));
    // Another cycle that lasts the whole test: a JVM with no deadlock at all is a different path of the detector.
    ReentrantLock c = new ReentrantLock();
    ReentrantLock d = new ReentrantLock();
    CyclicBarrier otherHold = new CyclicBarrier(2);
    awaitDeadlocked(start("dl-lasting-1", lockThenNext(c, d, otherHold)),
        start("dl-lasting-2", lockThenNext(d, c, otherHold)));

    rounds.release(2);
    awaitDeadlocked(t1, t2);
    detector.run();
    detector.run();
    detector.run();
    assertThat(cyclesOf("dl-again-1", "dl-again-2")).as("once while it lasts").hasSize(1);

    t1.interrupt();
    t2.interrupt();
    assertThat(roundsDone.tryAcquire(2, 2, TimeUnit.SECONDS)).as("the cycle dissolved").isTrue();
    detector.run();
    assertThat(cyclesOf("dl-again-1", "dl-again-2")).hasSize(1);

    rounds.release(2);
    awaitDeadlocked(t1, t2);
    detector.run();
    detector.run();

    assertThat(cyclesOf("dl-again-1", "dl-again-2")).as("the same threads, a new cycle").hasSize(2);
  }

  /** Forms the cycle once per permit of {@code rounds}, until interrupted; says when each round is over. */
  private Runnable rounds(ReentrantLock mine, ReentrantLock next, CyclicBarrier allHold, Semaphore rounds,
      Semaphore roundsDone) {
    return () -> {
      while (!over) {
        try {
          if (!rounds.tryAcquire(100, TimeUnit.MILLISECONDS)) {
            continue;
          }
        } catch (InterruptedException e) {
          continue; // an interrupt that ended the last round
        }
        if (over) {
          return;
        }
        Thread.interrupted(); // an interrupt that ended the last round
        mine.lock();
        try {
          allHold.await();
          next.lockInterruptibly();
          next.unlock();
        } catch (Exception dissolved) {
          // the round's cycle is broken
        } finally {
          mine.unlock();
          roundsDone.release();
        }
      }
    };
  }

  @Test
  void threadWaitingOnADeadlockedThreadButNotInTheCycleIsNotInTheReport() throws Exception {
    ReentrantLock a = new ReentrantLock();
    ReentrantLock b = new ReentrantLock();
    CyclicBarrier allHold = new CyclicBarrier(2);
    Thread t1 = start("dl-core-1", lockThenNext(a, b, allHold));
    Thread t2 = start("dl-core-2", lockThenNext(b, a, allHold));
    awaitDeadlocked(t1, t2);
    Thread bystander = start("dl-bystander", () -> {
      try {
        a.lockInterruptibly();
        a.unlock();
      } catch (InterruptedException e) {
        // the test is over
      }
    });
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
    while (bystander.getState() != Thread.State.WAITING) {
      assertThat(System.nanoTime()).isLessThan(deadline);
      Thread.sleep(1);
    }

    detector.run();

    assertThat(cyclesOf("dl-core-1", "dl-core-2")).singleElement()
        .satisfies(d -> assertThat(d.message()).doesNotContain("dl-bystander"));
    assertThat(detections).noneMatch(d -> names(d).contains("dl-bystander"));
  }
}
