package dev.stallwatch.bootstrap;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;

/**
 * What the application's lock acquisitions become, so that a wait of a millisecond or more is named by a constant
 * for its line ({@code CallSites}) instead of by walking the stack while the thread holds the lock it just got
 * ({@link StallwatchLockWaits}). For the length of the call, the thread's state carries the site.
 *
 * <p>{@code lock()} on a {@code ReentrantLock} (typed as one or as {@code Lock}) goes through {@link #lock}: for a
 * non-fair lock, the default, it first makes the attempt {@code lock()} itself makes first ({@code tryLock()}: the
 * same compare-and-set, reentrancy included), and only when that fails, which is when a wait may follow, looks the
 * thread up and sets the site. So the uncontended call costs what it costs without the agent. A fair lock, or another
 * class behind the interface, takes the second branch on every call.
 *
 * <p>{@code lock()} on a read-write lock's read or write lock keeps its own call instruction, with {@link #entering}
 * before it and {@link #left} after it (it throws nothing an application handles): a shared method here would merge
 * every call site's type profile into one, and the JIT would then dispatch it through the interface instead of
 * inlining it. Its fast path has no attempt to reuse (a reader's {@code tryLock()} barges past a queued writer,
 * which {@code lock()} does not), so it pays the look-up (once per method invocation, kept in a local) and two
 * stores. {@code lockInterruptibly()} and the timed {@code tryLock} throw when the thread is interrupted, before any
 * wait, so they go through the methods below, whose {@code finally} clears the site.
 */
public final class StallwatchLockCalls {
  private static volatile boolean enabled;

  private StallwatchLockCalls() {}

  /** Turned on by the agent once the lock hooks are in. */
  public static void enable() {
    enabled = true;
  }

  /**
   * The ledger a rewritten method keeps in a local of its own, as {@link StallwatchPermits#ledger} hands it out (the
   * same local serves both; the ledger is also the fastest way to the thread's state): {@code known} when an earlier
   * call of the invocation found it, else a fresh look-up. Null while off and on the agent's own threads.
   */
  public static StallwatchPermitLedger ledger(StallwatchPermitLedger known) {
    if (known != null || !enabled) {
      return known;
    }
    try {
      return StallwatchRegistry.currentLedger();
    } catch (Throwable t) {
      StallwatchHealth.swallowed(t); // naming a site never fails the application's call
      return null;
    }
  }

  /** A rewritten acquisition at {@code site} begins on the ledger's thread (null: an untracked thread, a no-op). */
  public static void entering(StallwatchPermitLedger ledger, int site) {
    if (ledger != null) {
      ledger.state.callSite = site;
    }
  }

  /** The rewritten acquisition that {@link #entering} began has returned or thrown. */
  public static void left(StallwatchPermitLedger ledger) {
    if (ledger != null) {
      ledger.state.callSite = StallwatchThreadState.NO_CALL_SITE;
    }
  }

  /** {@code lock()} on a {@code ReentrantLock} or on a {@code Lock}, at {@code site}. */
  public static void lock(Lock lock, int site) {
    if (lock.getClass() == ReentrantLock.class) {
      ReentrantLock reentrant = (ReentrantLock) lock;
      if (!reentrant.isFair() && reentrant.tryLock()) {
        return; // what a non-fair lock() tries first, and all it does when the lock is free or already this thread's
      }
    }
    lockNamingTheSite(lock, site);
  }

  private static void lockNamingTheSite(Lock lock, int site) {
    StallwatchPermitLedger ledger = ledger(null);
    entering(ledger, site);
    try {
      lock.lock();
    } finally {
      left(ledger);
    }
  }

  public static void lockInterruptibly(Lock lock, StallwatchPermitLedger ledger, int site)
      throws InterruptedException {
    entering(ledger, site);
    try {
      lock.lockInterruptibly();
    } finally {
      left(ledger);
    }
  }

  public static boolean tryLock(Lock lock, long timeout, TimeUnit unit, StallwatchPermitLedger ledger, int site)
      throws InterruptedException {
    entering(ledger, site);
    try {
      return lock.tryLock(timeout, unit);
    } finally {
      left(ledger);
    }
  }
}
