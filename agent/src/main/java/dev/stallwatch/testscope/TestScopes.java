package dev.stallwatch.testscope;

import dev.stallwatch.bootstrap.StallwatchPermitLedger;
import dev.stallwatch.bootstrap.StallwatchRegistry;
import dev.stallwatch.bootstrap.StallwatchTestScope;
import dev.stallwatch.bootstrap.StallwatchThreadState;
import dev.stallwatch.locks.LockEngine;
import dev.stallwatch.log.AgentLog;
import dev.stallwatch.permits.HeldPermit;
import dev.stallwatch.report.Detection;
import dev.stallwatch.report.DetectionKind;
import dev.stallwatch.report.DetectionSink;
import dev.stallwatch.report.Json;
import dev.stallwatch.report.LockNames;
import dev.stallwatch.report.ThreadDescriptions;
import dev.stallwatch.runaway.Watchdog;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;

/**
 * The agent's side of {@link StallwatchTestScope}: a test's leaked permits and the detections made while it ran, for
 * a test framework to fail the test on. A sink like any other for the detections; for permits it needs no threshold,
 * because the end of the test is the moment a permit should be back.
 *
 * <p>What belongs to a test:
 *
 * <ul>
 *   <li>a permit acquired after its start (by any thread) and still out at its end, after a scan of its own at the end
 *       (so a release by another thread during the test is counted) and, if any is out, a second scan
 *       {@link #SETTLE_MILLIS} later (so a permit handed to a worker and released just after the test returned is not
 *       blamed, and a worker stuck waiting for its own semaphore is reported as the deadlock it is, not as a leak),
 *       and more scans up to {@link #SETTLE_MAX_MILLIS} while other threads hold permits of the same semaphore or
 *       the holder is blocked in a wait;
 *   <li>every detection reported while it ran, except leaks (the threshold's, which belong to whoever took them) and
 *       the "it ended" reports of earlier findings. The end runs a deadlock scan at once, so a test need not outlive
 *       {@code stallwatch.deadlock.interval}.
 * </ul>
 *
 * <p>Tests running at the same time: a permit taken or a detection made on one test's own thread belongs to that test
 * only; one on any other thread (a pool, a thread the test started) belongs to every test that was running then.
 */
public final class TestScopes implements DetectionSink {
  /** How long a leak found at a test's end has to come back before it is reported. */
  static final long SETTLE_MILLIS = 300;
  /**
   * While other threads still hold permits of a leaked permit's semaphore, how long the end keeps looking (every
   * {@link #RESCAN_MILLIS}) before it reports the leak: a release by a thread that held none balances the oldest
   * permit out, which may be another holder's, until that holder releases its own.
   */
  static final long SETTLE_MAX_MILLIS = 1_000;
  private static final long RESCAN_MILLIS = 100;
  private static final Duration WATCHDOG_TIMEOUT = Duration.ofSeconds(10);

  private final AtomicLong tokens = new AtomicLong();
  private final Map<Long, Scope> open = new ConcurrentHashMap<>();
  private volatile boolean problemReported;
  private Watchdog watchdog;
  private LockEngine engine;
  private Runnable deadlocks;
  private IntFunction<String> sites;

  /**
   * Makes the scopes available through {@link StallwatchTestScope}. {@code engine} is null when neither locks nor
   * permits are installed (then no leak is found), {@code deadlocks} null when deadlock detection is off.
   */
  public void start(Watchdog watchdog, LockEngine engine, Runnable deadlocks, IntFunction<String> sites) {
    this.watchdog = watchdog;
    this.engine = engine;
    this.deadlocks = deadlocks;
    this.sites = sites;
    StallwatchTestScope.install(this::begin, this::end);
  }

  long begin(String testId) {
    long token = tokens.incrementAndGet();
    Thread thread = Thread.currentThread();
    Boolean opened = onWatchdog(() -> {
      scan(false);
      open.put(token, new Scope(token, testId, thread, acquisitionsOut()));
      return true;
    });
    return opened == null ? -1 : token;
  }

  String[] end(long token) {
    Scope scope = open.get(token);
    if (scope == null) {
      return new String[0];
    }
    Leaks leaks = onWatchdog(() -> {
      scan(true);
      return leaksOf(scope);
    });
    long giveUpAt = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(SETTLE_MAX_MILLIS);
    for (long pause = SETTLE_MILLIS; leaks != null && !leaks.permits().isEmpty(); pause = RESCAN_MILLIS) {
      try {
        Thread.sleep(pause);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
      leaks = onWatchdog(() -> {
        scan(true);
        return leaksOf(scope);
      });
      if (leaks == null || !leaks.mayStillResolve() || System.nanoTime() - giveUpAt >= 0) {
        break;
      }
    }
    List<HeldPermit> found = leaks == null ? List.of() : leaks.permits();
    open.remove(token);
    List<String> out = new ArrayList<>();
    for (Detection d : scope.found) {
      out.add(Json.write(d.toMap()));
    }
    for (HeldPermit p : found) {
      out.add(Json.write(leak(p, scope).toMap()));
    }
    return out.toArray(String[]::new);
  }

  @Override
  public void accept(Detection detection) {
    if (open.isEmpty() || detection.kind() == DetectionKind.PERMIT_LEAK) {
      return; // a threshold leak belongs to whoever took the permit; a test's own leaks come from its end
    }
    Object phase = detection.details().get("phase");
    if ("ended".equals(phase) || "returned".equals(phase)) {
      return; // the end of something reported before: not a finding of its own
    }
    Set<String> threads = threadsNamed(detection);
    List<Scope> own = new ArrayList<>();
    for (Scope s : open.values()) {
      if (threads.contains(s.thread.getName())) {
        own.add(s);
      }
    }
    for (Scope s : own.isEmpty() ? open.values() : own) {
      s.found.add(detection);
    }
  }

  private static Set<String> threadsNamed(Detection detection) {
    Set<String> names = new HashSet<>();
    names.add(detection.thread());
    if (detection.details().get("threads") instanceof List<?> threads) {
      for (Object t : threads) {
        if (t instanceof Map<?, ?> m && m.get("name") instanceof String name) {
          names.add(name);
        }
      }
    }
    return names;
  }

  /** Watchdog thread: a lock scan now (fresh ledgers, foreign releases applied), and a deadlock scan if asked. */
  private void scan(boolean lookForDeadlocks) {
    if (engine != null) {
      engine.run();
    }
    if (lookForDeadlocks && deadlocks != null) {
      deadlocks.run();
    }
  }

  private Set<Scope.Acquisition> acquisitionsOut() {
    Set<Scope.Acquisition> out = new HashSet<>();
    if (engine != null) {
      for (HeldPermit p : engine.permits().held()) {
        out.add(new Scope.Acquisition(p.owner(), p.id()));
      }
    }
    return out;
  }

  /**
   * The permits a scope took and has not given back, as the book has them, and whether another look may still clear
   * them: when other live threads hold permits of the same semaphores in their ledgers, a release by a thread that
   * held none may have been credited to one of them (the book balances the oldest permit out) and the scope's permit
   * may be back in truth, which the book learns when that thread releases its own; when a holder is blocked in a wait,
   * it may be the self-deadlock the next scan reports.
   */
  private record Leaks(List<HeldPermit> permits, boolean mayStillResolve) {}

  /** Watchdog thread, right after a scan: the permits {@code scope} took and has not given back. */
  private Leaks leaksOf(Scope scope) {
    List<HeldPermit> leaks = new ArrayList<>();
    if (engine == null) {
      return new Leaks(leaks, false);
    }
    Set<?> selfDeadlocked = engine.selfDeadlocked();
    List<HeldPermit> held = engine.permits().held();
    for (HeldPermit p : held) {
      if (p.site() == StallwatchPermitLedger.SITE_REDUCED
          || scope.outAtStart.contains(new Scope.Acquisition(p.owner(), p.id()))
          || selfDeadlocked.contains(p.owner())) {
        continue; // not taken during the test, owned by nobody, or already reported as a deadlock
      }
      if (p.thread() != scope.thread && isAnotherTestsThread(p.thread(), scope)) {
        continue;
      }
      leaks.add(p);
    }
    boolean mayStillResolve = false;
    for (HeldPermit p : leaks) {
      // A holder blocked in a wait may be waiting for its own semaphore: the self-deadlock check reports that once
      // the wait is 200 ms old by the coarse clock, which a starved watchdog advances late.
      mayStillResolve |= p.owner().waitingOn != null || anotherThreadHolds(p.semaphore(), p.owner());
    }
    return new Leaks(leaks, mayStillResolve);
  }

  /**
   * Whether a live thread other than {@code owner} has an acquisition of {@code semaphore} in its own ledger, read
   * raw: the book may show that permit balanced by a foreign release that was in truth the leaked one's.
   */
  private static boolean anotherThreadHolds(Object semaphore, StallwatchThreadState owner) {
    StallwatchPermitLedger.Entry entry = new StallwatchPermitLedger.Entry();
    for (StallwatchThreadState state = StallwatchRegistry.first(); state != null;
        state = StallwatchRegistry.next(state)) {
      Thread thread = state.thread.get();
      if (state == owner || state.excluded || thread == null || !thread.isAlive()) {
        continue;
      }
      int size = state.permits.size();
      for (int i = 0; i < size; i++) {
        if (state.permits.read(i, entry) && entry.semaphore == semaphore
            && entry.site != StallwatchPermitLedger.SITE_REDUCED) {
          return true;
        }
      }
    }
    return false;
  }

  private boolean isAnotherTestsThread(Thread thread, Scope scope) {
    for (Scope s : open.values()) {
      if (s != scope && s.thread == thread) {
        return true;
      }
    }
    return false;
  }

  private Detection leak(HeldPermit p, Scope scope) {
    String where = sites.apply(p.site());
    Thread holder = p.holderAlive() ? p.thread() : null;
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("phase", "test_ended");
    details.put("test", scope.testId);
    details.put("semaphore", LockNames.identity(p.semaphore()));
    details.put("permits", p.permits());
    details.put("acquiredAt", where);
    details.put("acquiredBy", ThreadDescriptions.describe(holder, p.holderName()));
    String available = "";
    if (p.semaphore() instanceof Semaphore s) {
      details.put("availablePermits", s.availablePermits());
      available = " (" + s.availablePermits() + " permits available now)";
    }
    String message = (p.permits() == 1 ? "A permit" : p.permits() + " permits") + " of "
        + LockNames.identity(p.semaphore()) + " taken at " + where + " by "
        + ThreadDescriptions.inWords(holder, p.holderName()) + " during the test was not released by its end"
        + available + ".";
    return Detection.of(DetectionKind.PERMIT_LEAK, p.holderName(), message, List.of(where), details);
  }

  /** Runs {@code task} on the watchdog and returns its result, or null (said once) when the watchdog cannot. */
  private <T> T onWatchdog(java.util.concurrent.Callable<T> task) {
    try {
      return watchdog.runNow(task, WATCHDOG_TIMEOUT);
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      if (!problemReported) {
        problemReported = true;
        AgentLog.line("a test scope could not be scanned, its findings may be missing: " + e);
      }
      return null;
    }
  }
}
