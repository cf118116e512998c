package dev.stallwatch.testscope;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stallwatch.bootstrap.StallwatchPermits;
import dev.stallwatch.config.ConfigLoader;
import dev.stallwatch.config.StallwatchConfig;
import dev.stallwatch.instrumentation.CallSites;
import dev.stallwatch.locks.DeadlockDetector;
import dev.stallwatch.locks.LockEngine;
import dev.stallwatch.locks.LockMetrics;
import dev.stallwatch.report.Detections;
import dev.stallwatch.runaway.Watchdog;
import io.opentelemetry.api.OpenTelemetry;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What a test scope blames on its test, with the real permit hooks, lock engine and watchdog (unshaded, one class
 * loader): permit calls go through {@link StallwatchPermits} as rewritten application calls would.
 */
class TestScopesTest {
  private static Watchdog watchdog;
  private final TestScopes scopes = new TestScopes();
  private final ExecutorService otherThread = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "other-test-thread");
    t.setDaemon(true);
    return t;
  });

  @BeforeAll
  static void startWatchdog() {
    StallwatchPermits.enable();
    watchdog = Watchdog.start();
  }

  @AfterAll
  static void stopWatchdog() {
    watchdog.stop();
  }

  @BeforeEach
  void wireScopes() {
    StallwatchConfig config = ConfigLoader.load(new Properties(), Map.of(), line -> {});
    Detections detections = new Detections(List.of(scopes));
    LockEngine engine = new LockEngine(config, detections, new CallSites(),
        new LockMetrics(OpenTelemetry.noop().getMeter("test")));
    scopes.start(watchdog, engine, new DeadlockDetector(detections), site -> "example.Site.line(Site.java:" + site
        + ")");
  }

  private final ExecutorService releaser = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "releaser");
    t.setDaemon(true);
    return t;
  });

  @AfterEach
  void stopOtherThreads() {
    otherThread.shutdownNow();
    releaser.shutdownNow();
  }

  @Test
  void aPermitTakenDuringTheTestAndStillOutAtItsEndIsItsLeak() throws Exception {
    Semaphore pool = new Semaphore(3);
    long token = scopes.begin("leaks");
    StallwatchPermits.acquire(pool, 7);

    String[] found = scopes.end(token);

    assertThat(found).hasSize(1);
    assertThat(found[0]).contains("\"kind\":\"permit_leak\"", "\"phase\":\"test_ended\"", "\"test\":\"leaks\"")
        .contains("A permit of java.util.concurrent.Semaphore@" + Integer.toHexString(System.identityHashCode(pool))
            + " taken at example.Site.line(Site.java:7) by thread \\\"" + Thread.currentThread().getName()
            + "\\\"")
        .contains("during the test was not released by its end (2 permits available now).");
  }

  @Test
  void aPermitAlreadyOutWhenTheTestStartedIsNotItsLeak() throws Exception {
    Semaphore pool = new Semaphore(3);
    StallwatchPermits.acquire(pool, 8);
    long token = scopes.begin("kept by the class");

    assertThat(scopes.end(token)).isEmpty();
  }

  @Test
  void aPermitReleasedByAnotherThreadDuringTheTestIsNoLeak() throws Exception {
    Semaphore handOff = new Semaphore(1);
    long token = scopes.begin("hands off");
    StallwatchPermits.acquire(handOff, 9);
    on(otherThread, () -> {
      StallwatchPermits.release(handOff, 10);
      return null;
    });

    assertThat(scopes.end(token)).isEmpty();
  }

  @Test
  void aForeignReleaseCreditedToAnotherHoldersPermitIsNoLeakOnceThatHolderReleasesItsOwn() throws Exception {
    Semaphore pool = new Semaphore(2);
    on(otherThread, () -> {
      StallwatchPermits.acquire(pool, 20); // the oldest permit out: a foreign release is credited to it
      return null;
    });
    long token = scopes.begin("credited elsewhere");
    StallwatchPermits.acquire(pool, 21);
    on(releaser, () -> {
      StallwatchPermits.release(pool, 22); // returns the test's permit, though the book cannot tell
      return null;
    });
    otherThread.submit(() -> {
      Thread.sleep(200);
      StallwatchPermits.release(pool, 23); // its own, which the book had credited: now it credits the test's
      return null;
    });

    assertThat(scopes.end(token)).isEmpty();
  }

  @Test
  void aPermitTakenOnAnotherRunningTestsThreadIsThatTestsAlone() throws Exception {
    Semaphore shared = new Semaphore(2);
    long mine = scopes.begin("mine");
    long theirs = on(otherThread, () -> scopes.begin("theirs"));
    on(otherThread, () -> {
      StallwatchPermits.acquire(shared, 11);
      return null;
    });

    assertThat(scopes.end(mine)).isEmpty();
    String[] theirFindings = on(otherThread, () -> scopes.end(theirs));
    assertThat(theirFindings).hasSize(1);
    assertThat(theirFindings[0]).contains("Site.java:11", "\"test\":\"theirs\"");
  }

  @Test
  void anUnknownTokenFindsNothing() {
    assertThat(scopes.end(12345)).isEmpty();
  }

  private static <T> T on(ExecutorService thread, Callable<T> call) throws Exception {
    return thread.submit(call).get(10, TimeUnit.SECONDS);
  }
}
