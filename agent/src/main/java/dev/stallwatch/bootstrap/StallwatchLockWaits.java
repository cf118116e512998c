package dev.stallwatch.bootstrap;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Hooks the lock advice calls around the slow path of an acquisition: entered only after the uncontended attempt
 * failed, so the fast path of every lock in the JVM is untouched. Marks the thread as waiting (for the watchdog's
 * lock_wait and deadlock checks) and, for waits of a millisecond or more, queues the wait for the duration histogram.
 */
public final class StallwatchLockWaits {
  /** Waits shorter than this are not worth a histogram entry (or the stack walk that names a site with no id). */
  private static final long MEASURED_WAIT_NANOS = 1_000_000;
  private static final int MAX_QUEUED = 10_000;

  /** Synchronizer classes whose waits are lock waits (ReentrantLock, ReentrantReadWriteLock, Semaphore syncs). */
  private static volatile Class<?>[] trackedClasses = new Class<?>[0];
  private static final ConcurrentLinkedQueue<StallwatchCompletedWait> completed = new ConcurrentLinkedQueue<>();
  private static final AtomicInteger queued = new AtomicInteger();

  private StallwatchLockWaits() {}

  /**
   * Which {@code AbstractQueuedSynchronizer} subclasses count. Others (CountDownLatch, a thread pool worker, an
   * application's own synchronizer) wait for work or for events, not for a lock, and are never reported.
   */
  public static void track(Class<?>[] synchronizerClasses) {
    trackedClasses = synchronizerClasses.clone();
  }

  /** An AbstractQueuedSynchronizer acquisition entered its slow path. */
  public static void queuedAcquireBegins(Object sync, boolean shared) {
    try {
      Class<?> type = sync.getClass();
      for (Class<?> tracked : trackedClasses) {
        if (tracked == type) {
          begin(sync, shared ? StallwatchThreadState.WAIT_SHARED : StallwatchThreadState.WAIT_EXCLUSIVE);
          return;
        }
      }
    } catch (Throwable t) {
      StallwatchHealth.swallowed(t); // a hook never throws into the lock it observes
    }
  }

  /** A StampedLock acquisition entered its slow path. */
  public static void stampedAcquireBegins(Object lock, boolean write) {
    try {
      begin(lock, write ? StallwatchThreadState.WAIT_STAMPED_WRITE : StallwatchThreadState.WAIT_STAMPED_READ);
    } catch (Throwable t) {
      StallwatchHealth.swallowed(t); // a hook never throws into the lock it observes
    }
  }

  /**
   * Marks the thread as waiting. A wait still marked from before (its acquisition ended by an exception, which
   * passes no exit hook) is simply replaced.
   */
  private static void begin(Object lock, int kind) {
    StallwatchThreadState state = StallwatchRegistry.current();
    if (state.excluded) {
      return;
    }
    state.waitKind = kind;
    state.waitSinceMillis = StallwatchClock.millis();
    state.waitStartNanos = System.nanoTime();
    state.waitSequence++;
    state.waitingOn = lock;
  }

  /** The slow path ended: acquired, timed out, interrupted or failed. */
  public static void acquireEnds() {
    try {
      ended();
    } catch (Throwable t) {
      StallwatchHealth.swallowed(t); // a hook never throws into the lock it observes
    }
  }

  private static void ended() {
    StallwatchThreadState state = StallwatchRegistry.currentIfAny();
    if (state == null) {
      return;
    }
    Object lock = state.waitingOn;
    if (lock == null) {
      return;
    }
    state.waitingOn = null;
    long waited = System.nanoTime() - state.waitStartNanos;
    if (waited >= MEASURED_WAIT_NANOS) {
      if (queued.incrementAndGet() <= MAX_QUEUED) {
        // Inside a rewritten call the site is a constant; only other waits (a JDK class taking the lock for the
        // application, a class loaded before a late attach) walk the stack, while this thread holds the lock.
        int site = state.callSite;
        completed.add(new StallwatchCompletedWait(lock.getClass(), state.waitKind, waited, site,
            site >= 0 ? null : StallwatchCallSite.firstApplicationStackFrame()));
      } else {
        queued.decrementAndGet();
        StallwatchHealth.droppedLockWaits.incrementAndGet();
      }
    }
  }

  /** The next finished wait of a millisecond or more, or null; for the watchdog. */
  public static StallwatchCompletedWait pollCompleted() {
    StallwatchCompletedWait wait = completed.poll();
    if (wait != null) {
      queued.decrementAndGet();
    }
    return wait;
  }
}
