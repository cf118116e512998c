package dev.stallwatch.locks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stallwatch.report.Detection;
import dev.stallwatch.report.DetectionKind;
import dev.stallwatch.report.Detections;
import java.net.URL;
import java.net.URLClassLoader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Live {@code synchronized} waits, with real threads blocked on real monitors of the test JVM and scans run by the
 * test. In this JVM the agent's classes share the application class loader, which MonitorWaits takes for "an agent
 * thread" when it is a thread's context loader; so the application threads here get a loader of their own.
 */
@SuppressWarnings("unchecked")
class MonitorWaitsTest {
  private static final long THRESHOLD = 300;
  private static final ClassLoader APPLICATION = new URLClassLoader(new URL[0], null);

  private final List<Detection> detections = new CopyOnWriteArrayList<>();
  private final MonitorWaits waits =
      new MonitorWaits(new Detections(List.of(detections::add)), Duration.ofMillis(THRESHOLD), () -> {});
  private final List<Thread> started = new ArrayList<>();
  private final List<CountDownLatch> releases = new ArrayList<>();

  @AfterEach
  void endThreads() throws InterruptedException {
    releases.forEach(CountDownLatch::countDown);
    for (Thread t : started) {
      if (!t.getName().contains("deadlocked")) {
        t.join(1_000);
      }
    }
  }

  private Thread start(String name, ClassLoader contextLoader, Runnable body) {
    Thread t = new Thread(body, name);
    t.setDaemon(true);
    t.setContextClassLoader(contextLoader);
    started.add(t);
    t.start();
    return t;
  }

  /** A thread that holds {@code monitor} until the returned latch is counted down. */
  private CountDownLatch holding(String name, Object monitor) throws InterruptedException {
    CountDownLatch holds = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    releases.add(release);
    start(name, APPLICATION, () -> {
      synchronized (monitor) {
        holds.countDown();
        try {
          release.await();
        } catch (InterruptedException e) {
          // the test is over
        }
      }
    });
    holds.await();
    return release;
  }

  private Thread blockedOn(String name, ClassLoader contextLoader, Object monitor, Runnable inside)
      throws InterruptedException {
    Thread t = start(name, contextLoader, () -> {
      synchronized (monitor) {
        inside.run();
      }
    });
    awaitState(t, Thread.State.BLOCKED);
    return t;
  }

  private static void awaitState(Thread t, Thread.State state) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
    while (t.getState() != state) {
      assertThat(System.nanoTime()).as(t.getName() + " is " + state).isLessThan(deadline);
      Thread.sleep(1);
    }
  }

  /** Scans every 20 ms until a detection matches, for at most {@code millis}. */
  private Detection scanUntil(Predicate<Detection> wanted, long millis) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    while (System.nanoTime() < deadline) {
      waits.run();
      for (Detection d : detections) {
        if (wanted.test(d)) {
          return d;
        }
      }
      Thread.sleep(20);
    }
    return null;
  }

  /** Scans every 20 ms for {@code millis}. */
  private void scanFor(long millis) throws InterruptedException {
    scanUntil(d -> false, millis);
  }

  private static Predicate<Detection> phase(String thread, String phase) {
    return d -> d.kind() == DetectionKind.LOCK_WAIT && d.thread().equals(thread)
        && phase.equals(d.details().get("phase"));
  }

  private List<Detection> about(String thread) {
    return detections.stream().filter(d -> d.thread().equals(thread)).toList();
  }

  @Test
  void blockedThreadPastTheThresholdIsReportedWhileBlockedWithItsOwner() throws Exception {
    Object monitor = new Object();
    holding("monitor-owner", monitor);
    blockedOn("monitor-waiter", APPLICATION, monitor, () -> {});

    Detection d = scanUntil(phase("monitor-waiter", "waiting"), 2_000);

    assertThat(d).as("reported while still blocked").isNotNull();
    assertThat(d.details()).containsEntry("monitor", true).containsEntry("thresholdMillis", THRESHOLD)
        .containsEntry("lock", "java.lang.Object@" + Integer.toHexString(System.identityHashCode(monitor)))
        .containsEntry("ownerTerminated", false);
    assertThat((long) d.details().get("waitedMillis")).isGreaterThanOrEqualTo(THRESHOLD);
    assertThat((Map<String, Object>) d.details().get("owner")).containsEntry("name", "monitor-owner")
        .containsEntry("state", "WAITING");
    assertThat(d.message()).contains("to enter synchronized on", "held by thread \"monitor-owner\"");
    assertThat(d.stack()).anyMatch(f -> f.contains("MonitorWaitsTest"));
    scanFor(100);
    assertThat(about("monitor-waiter")).as("once").hasSize(1);
  }

  @Test
  void waitShorterThanTheThresholdIsNotReported() throws Exception {
    Object monitor = new Object();
    CountDownLatch release = holding("brief-owner", monitor);
    Thread waiter = blockedOn("brief-waiter", APPLICATION, monitor, () -> {});
    long firstScan = System.nanoTime();
    while (System.nanoTime() - firstScan < TimeUnit.MILLISECONDS.toNanos(THRESHOLD / 2)) {
      waits.run();
      Thread.sleep(20);
    }

    release.countDown();
    waiter.join(1_000);
    scanFor(THRESHOLD + 100);

    assertThat(about("brief-waiter")).isEmpty();
  }

  @Test
  void twoShortWaitsOnTheSameMonitorAreNotOneLongOne() throws Exception {
    Object monitor = new Object();
    CountDownLatch firstRelease = holding("first-owner", monitor);
    AtomicInteger entered = new AtomicInteger();
    CountDownLatch again = new CountDownLatch(1);
    Thread waiter = start("twice-waiter", APPLICATION, () -> {
      synchronized (monitor) {
        entered.incrementAndGet();
      }
      try {
        again.await();
      } catch (InterruptedException e) {
        return;
      }
      synchronized (monitor) {
        entered.incrementAndGet();
      }
    });
    awaitState(waiter, Thread.State.BLOCKED);
    long firstSeen = System.nanoTime();
    waits.run(); // the first wait begins here

    firstRelease.countDown();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
    while (entered.get() < 1) {
      assertThat(System.nanoTime()).isLessThan(deadline);
      Thread.sleep(1);
    }
    holding("second-owner", monitor);
    again.countDown();
    awaitState(waiter, Thread.State.BLOCKED); // the second wait, not seen by any scan in between
    while (System.nanoTime() - firstSeen < TimeUnit.MILLISECONDS.toNanos(THRESHOLD + 50)) {
      Thread.sleep(5);
    }
    waits.run();

    assertThat(about("twice-waiter")).as("the second wait has only just begun").isEmpty();
    assertThat(scanUntil(phase("twice-waiter", "waiting"), 2_000)).as("but is reported once it is long")
        .isNotNull();
  }

  @Test
  void reportedWaitSaysOnceThatItEndedWithHowManyLikeItWereHeldBack() throws Exception {
    Object monitor = new Object();
    CountDownLatch release = holding("storm-owner", monitor);
    Runnable sameSite = () -> {};
    Thread first = blockedOn("storm-a", APPLICATION, monitor, sameSite);
    Thread second = blockedOn("storm-b", APPLICATION, monitor, sameSite);
    Detection reported = scanUntil(d -> d.details().get("phase").equals("waiting")
        && d.thread().startsWith("storm-"), 2_000);
    assertThat(reported).isNotNull();
    scanFor(60);
    assertThat(detections).as("the other one is held back by the rate limit")
        .filteredOn(d -> d.thread().startsWith("storm-")).hasSize(1);

    release.countDown();
    first.join(1_000);
    second.join(1_000);
    Detection ended = scanUntil(phase(reported.thread(), "ended"), 1_000);

    assertThat(ended).isNotNull();
    assertThat(ended.details()).containsEntry("suppressed", 1L).containsEntry("monitor", true)
        .containsEntry("lock", reported.details().get("lock"));
    assertThat((long) ended.details().get("waitedMillis")).isGreaterThanOrEqualTo(THRESHOLD);
    assertThat(ended.message()).contains("ended after", "1 similar waits");
    scanFor(60);
    assertThat(detections).filteredOn(d -> d.thread().startsWith("storm-")).hasSize(2);
  }

  @Test
  void agentsOwnThreadsAreIgnored() throws Exception {
    Object monitor = new Object();
    holding("ignored-owner", monitor);
    blockedOn("stallwatch-test-waiter", APPLICATION, monitor, () -> {});
    blockedOn("agent-loader-waiter", MonitorWaits.class.getClassLoader(), monitor, () -> {});

    scanFor(THRESHOLD + 200);

    assertThat(about("stallwatch-test-waiter")).isEmpty();
    assertThat(about("agent-loader-waiter")).isEmpty();
  }

  @Test
  void monitorDeadlockIsLeftToTheDeadlockDetector() throws Exception {
    Object m1 = new Object();
    Object m2 = new Object();
    CyclicBarrier bothHold = new CyclicBarrier(2);
    Thread a = start("deadlocked-a", APPLICATION, crossing(m1, m2, bothHold));
    Thread b = start("deadlocked-b", APPLICATION, crossing(m2, m1, bothHold));
    awaitState(a, Thread.State.BLOCKED);
    awaitState(b, Thread.State.BLOCKED);

    scanFor(THRESHOLD + 200);

    assertThat(detections).noneMatch(d -> d.thread().startsWith("deadlocked-"));
  }

  private static Runnable crossing(Object mine, Object next, CyclicBarrier bothHold) {
    return () -> {
      synchronized (mine) {
        try {
          bothHold.await();
        } catch (Exception e) {
          return;
        }
        synchronized (next) {
          Thread.onSpinWait(); // a body for the block: entering it is what matters
        }
      }
    };
  }
}
