package dev.stallwatch.bootstrap;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the application's calls to {@link Semaphore} become: the agent rewrites each call site
 * {@code semaphore.acquire()} into {@code StallwatchPermits.acquire(semaphore, site)}, where {@code site} is a
 * constant naming that line of code. Each method does exactly what the original call did, then accounts the permits
 * in the calling thread's ledger, so a leak can name the code that took the permit without ever capturing a stack.
 * A failed {@code tryAcquire} accounts nothing.
 */
public final class StallwatchPermits {
  private static final int MAX_QUEUED_RELEASES = 100_000;
  private static final ConcurrentLinkedQueue<Release> foreignReleases = new ConcurrentLinkedQueue<>();
  private static final AtomicInteger queued = new AtomicInteger();
  private static volatile boolean enabled;
  /** The site of permits taken through a method reference, which cannot carry a site. */
  public static final int UNKNOWN_SITE = -2;

  private StallwatchPermits() {}

  /** Turned on by the agent once the watchdog that reads the ledgers runs. */
  public static void enable() {
    enabled = true;
  }

  /**
   * The ledger a rewritten method keeps in a local of its own: {@code known} when an earlier permit call of the same
   * method invocation already found it, else a fresh look-up. So an acquire and its release in one method, or a loop
   * of them, look the thread's ledger up once (a frame always runs on one thread, and a thread's ledger never
   * changes). Null, and so looked up again next time, while accounting is off or on the agent's own threads.
   */
  public static StallwatchPermitLedger ledger(StallwatchPermitLedger known) {
    return known != null ? known : ledger();
  }

  // ---- What rewritten call sites call: the original arguments, the method's ledger (ledger(known)), the site.

  public static void acquire(Semaphore semaphore, StallwatchPermitLedger ledger, int site)
      throws InterruptedException {
    // An interrupted thread must get its InterruptedException even when a permit is free, as without the agent.
    if (Thread.currentThread().isInterrupted() || !acquiredAtOnce(semaphore)) {
      StallwatchLockCalls.entering(ledger, site); // a wait inside is named by the site
      try {
        semaphore.acquire();
      } finally {
        StallwatchLockCalls.left(ledger);
      }
    }
    acquired(ledger, semaphore, 1, site);
  }

  public static void acquire(Semaphore semaphore, int permits, StallwatchPermitLedger ledger, int site)
      throws InterruptedException {
    StallwatchLockCalls.entering(ledger, site); // a wait inside is named by the site
    try {
      semaphore.acquire(permits);
    } finally {
      StallwatchLockCalls.left(ledger);
    }
    acquired(ledger, semaphore, permits, site);
  }

  public static void acquireUninterruptibly(Semaphore semaphore, StallwatchPermitLedger ledger, int site) {
    if (!acquiredAtOnce(semaphore)) {
      StallwatchLockCalls.entering(ledger, site); // a wait inside is named by the site
      try {
        semaphore.acquireUninterruptibly();
      } finally {
        StallwatchLockCalls.left(ledger);
      }
    }
    acquired(ledger, semaphore, 1, site);
  }

  public static void acquireUninterruptibly(Semaphore semaphore, int permits, StallwatchPermitLedger ledger,
      int site) {
    StallwatchLockCalls.entering(ledger, site); // a wait inside is named by the site
    try {
      semaphore.acquireUninterruptibly(permits);
    } finally {
      StallwatchLockCalls.left(ledger);
    }
    acquired(ledger, semaphore, permits, site);
  }

  public static boolean tryAcquire(Semaphore semaphore, StallwatchPermitLedger ledger, int site) {
    boolean acquired = semaphore.tryAcquire();
    if (acquired) {
      acquired(ledger, semaphore, 1, site);
    }
    return acquired;
  }

  public static boolean tryAcquire(Semaphore semaphore, int permits, StallwatchPermitLedger ledger, int site) {
    boolean acquired = semaphore.tryAcquire(permits);
    if (acquired) {
      acquired(ledger, semaphore, permits, site);
    }
    return acquired;
  }

  public static boolean tryAcquire(Semaphore semaphore, long timeout, TimeUnit unit, StallwatchPermitLedger ledger,
      int site) throws InterruptedException {
    boolean acquired = !Thread.currentThread().isInterrupted() && acquiredAtOnce(semaphore); // as acquire() above
    if (!acquired) {
      StallwatchLockCalls.entering(ledger, site); // a wait inside is named by the site
      try {
        acquired = semaphore.tryAcquire(timeout, unit);
      } finally {
        StallwatchLockCalls.left(ledger);
      }
    }
    if (acquired) {
      acquired(ledger, semaphore, 1, site);
    }
    return acquired;
  }

  public static boolean tryAcquire(Semaphore semaphore, int permits, long timeout, TimeUnit unit,
      StallwatchPermitLedger ledger, int site) throws InterruptedException {
    boolean acquired;
    StallwatchLockCalls.entering(ledger, site); // a wait inside is named by the site
    try {
      acquired = semaphore.tryAcquire(permits, timeout, unit);
    } finally {
      StallwatchLockCalls.left(ledger);
    }
    if (acquired) {
      acquired(ledger, semaphore, permits, site);
    }
    return acquired;
  }

  public static int drainPermits(Semaphore semaphore, StallwatchPermitLedger ledger, int site) {
    int drained = semaphore.drainPermits();
    if (drained > 0) {
      acquired(ledger, semaphore, drained, site);
    }
    return drained;
  }

  public static void release(Semaphore semaphore, StallwatchPermitLedger ledger, int site) {
    semaphore.release();
    released(ledger, semaphore, 1);
  }

  public static void release(Semaphore semaphore, int permits, StallwatchPermitLedger ledger, int site) {
    semaphore.release(permits);
    released(ledger, semaphore, permits);
  }

  /**
   * For a non-fair {@code Semaphore} (not a subclass), the attempt its {@code acquire} makes first: when it takes the
   * permit, no wait follows and nothing needs naming, so the uncontended pair pays nothing for the site. A fair
   * semaphore's {@code tryAcquire()} would barge past queued threads, which {@code acquire} does not, so it is left
   * to {@code acquire}.
   */
  private static boolean acquiredAtOnce(Semaphore semaphore) {
    return semaphore.getClass() == Semaphore.class && !semaphore.isFair() && semaphore.tryAcquire();
  }

  // ---- The same with a look-up of their own, for callers without a ledger local (the tests, method references).

  public static void acquire(Semaphore semaphore, int site) throws InterruptedException {
    acquire(semaphore, ledger(), site);
  }

  public static void acquire(Semaphore semaphore, int permits, int site) throws InterruptedException {
    acquire(semaphore, permits, ledger(), site);
  }

  public static void acquireUninterruptibly(Semaphore semaphore, int site) {
    acquireUninterruptibly(semaphore, ledger(), site);
  }

  public static boolean tryAcquire(Semaphore semaphore, int site) {
    return tryAcquire(semaphore, ledger(), site);
  }

  public static boolean tryAcquire(Semaphore semaphore, int permits, int site) {
    return tryAcquire(semaphore, permits, ledger(), site);
  }

  public static int drainPermits(Semaphore semaphore, int site) {
    return drainPermits(semaphore, ledger(), site);
  }

  public static void release(Semaphore semaphore, int site) {
    release(semaphore, ledger(), site);
  }

  public static void release(Semaphore semaphore, int permits, int site) {
    release(semaphore, permits, ledger(), site);
  }

  // ---- Method references (semaphore::release): the lambda cannot carry a site constant, so the site is unknown.

  public static void acquireByReference(Semaphore semaphore) throws InterruptedException {
    acquire(semaphore, UNKNOWN_SITE);
  }

  public static void acquireUninterruptiblyByReference(Semaphore semaphore) {
    acquireUninterruptibly(semaphore, UNKNOWN_SITE);
  }

  public static boolean tryAcquireByReference(Semaphore semaphore) {
    return tryAcquire(semaphore, UNKNOWN_SITE);
  }

  public static int drainPermitsByReference(Semaphore semaphore) {
    return drainPermits(semaphore, UNKNOWN_SITE);
  }

  public static void releaseByReference(Semaphore semaphore) {
    release(semaphore, UNKNOWN_SITE);
  }

  public static void releaseByReference(Semaphore semaphore, int permits) {
    release(semaphore, permits, UNKNOWN_SITE);
  }

  /** Advice on {@code Semaphore.reducePermits}: permits taken away by nobody in particular, never a leak. */
  public static void reduced(Object semaphore, int permits) {
    if (permits > 0) {
      acquired(ledger(), semaphore, permits, StallwatchPermitLedger.SITE_REDUCED);
    }
  }

  /**
   * The calling thread's ledger, or null when accounting is off or the thread is the agent's own. It is looked up
   * before the JDK call rather than after (the rewritten site passes it in): the look-up's loads then do not wait for
   * the semaphore's compare-and-set and do not stand in line before the ledger's stores (measured:
   * docs/performance.md).
   */
  private static StallwatchPermitLedger ledger() {
    if (!enabled) {
      return null;
    }
    try {
      return StallwatchRegistry.currentLedger();
    } catch (Throwable t) {
      StallwatchHealth.swallowed(t); // accounting never fails the application's call
      return null;
    }
  }

  private static void acquired(StallwatchPermitLedger ledger, Object semaphore, int permits, int site) {
    if (ledger == null) {
      return;
    }
    try {
      ledger.add(semaphore, permits, site, StallwatchClock.millis());
    } catch (Throwable t) {
      StallwatchHealth.swallowed(t); // accounting never fails the application's call
    }
  }

  private static void released(StallwatchPermitLedger ledger, Object semaphore, int permits) {
    if (ledger == null) {
      return;
    }
    try {
      int notHeld = ledger.release(semaphore, permits);
      if (notHeld > 0) {
        foreignRelease(semaphore, notHeld);
      }
    } catch (Throwable t) {
      StallwatchHealth.swallowed(t); // accounting never fails the application's call
    }
  }

  /** Queues permits released that no entry of the releasing thread balanced, for the watchdog; bounded. */
  static void foreignRelease(Object semaphore, int permits) {
    if (queued.incrementAndGet() <= MAX_QUEUED_RELEASES) {
      foreignReleases.add(new Release(semaphore, permits, StallwatchClock.millis()));
    } else {
      queued.decrementAndGet();
      StallwatchHealth.droppedForeignReleases.incrementAndGet();
    }
  }

  /** The next release of permits the releasing thread did not hold itself, or null; for the watchdog. */
  public static Release pollForeignRelease() {
    Release release = foreignReleases.poll();
    if (release != null) {
      queued.decrementAndGet();
    }
    return release;
  }

  /** Permits released by a thread that held none of them: they balance the oldest permits outstanding. */
  public static final class Release {
    public final Object semaphore;
    public final int permits;
    public final long atMillis;

    Release(Object semaphore, int permits, long atMillis) {
      this.semaphore = semaphore;
      this.permits = permits;
      this.atMillis = atMillis;
    }
  }
}
