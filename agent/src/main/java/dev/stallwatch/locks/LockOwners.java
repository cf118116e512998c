package dev.stallwatch.locks;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.concurrent.Semaphore;
import java.util.concurrent.locks.AbstractOwnableSynchronizer;
import java.util.concurrent.locks.AbstractQueuedLongSynchronizer;
import java.util.concurrent.locks.AbstractQueuedSynchronizer;
import java.util.concurrent.locks.StampedLock;

/**
 * Reads what the JDK's synchronizers know but do not publish: the thread owning an exclusive lock, and the
 * synchronizer behind a Semaphore. Needs {@code java.util.concurrent} and its {@code locks} package opened to the
 * agent (done at startup through {@code Instrumentation.redefineModule}); without it, owners are simply unknown.
 */
final class LockOwners {
  private static final Method EXCLUSIVE_OWNER = accessibleMethod(AbstractOwnableSynchronizer.class,
      "getExclusiveOwnerThread");
  private static final Field SEMAPHORE_SYNC = accessibleField(Semaphore.class, "sync");
  private static final Method AQS_STATE = accessibleMethod(AbstractQueuedSynchronizer.class, "getState");
  private static final Method AQLS_STATE = accessibleMethod(AbstractQueuedLongSynchronizer.class, "getState");

  /**
   * Whether nobody holds {@code lock} at all right now (an AQS state of 0; a StampedLock neither read- nor
   * write-locked). A thread still parked on a free lock has been handed it, or is about to retry, and has not yet been
   * given a CPU to run on: on a starved machine that can take hundreds of milliseconds, and it is not a lock wait.
   */
  static boolean isFree(Object lock) {
    try {
      if (lock instanceof StampedLock stamped) {
        return !stamped.isReadLocked() && !stamped.isWriteLocked();
      }
      if (AQS_STATE != null && lock instanceof AbstractQueuedSynchronizer) {
        return (int) AQS_STATE.invoke(lock) == 0;
      }
      if (AQLS_STATE != null && lock instanceof AbstractQueuedLongSynchronizer) {
        return (long) AQLS_STATE.invoke(lock) == 0;
      }
    } catch (ReflectiveOperationException | RuntimeException e) {
      // unknowable: treat as held
    }
    return false;
  }

  private LockOwners() {}

  /** The thread holding {@code synchronizer} exclusively, or null (free, shared-only, or unknowable). */
  static Thread exclusiveOwner(Object synchronizer) {
    if (EXCLUSIVE_OWNER == null || !(synchronizer instanceof AbstractOwnableSynchronizer)) {
      return null;
    }
    try {
      return (Thread) EXCLUSIVE_OWNER.invoke(synchronizer);
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;
    }
  }

  /** The synchronizer a thread waiting on {@code semaphore} is queued on, or null. */
  static Object synchronizerOf(Object semaphore) {
    if (SEMAPHORE_SYNC == null || !(semaphore instanceof Semaphore)) {
      return null;
    }
    try {
      return SEMAPHORE_SYNC.get(semaphore);
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;
    }
  }

  private static Method accessibleMethod(Class<?> type, String name) {
    try {
      Method m = type.getDeclaredMethod(name);
      m.setAccessible(true);
      return m;
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;
    }
  }

  private static Field accessibleField(Class<?> type, String name) {
    try {
      Field f = type.getDeclaredField(name);
      f.setAccessible(true);
      return f;
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;
    }
  }
}
