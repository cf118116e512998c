package dev.stallwatch.locks;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.concurrent.Semaphore;
import java.util.concurrent.locks.AbstractOwnableSynchronizer;

/**
 * Reads what the JDK's synchronizers know but do not publish: the thread owning an exclusive lock, and the
 * synchronizer behind a Semaphore. Needs {@code java.util.concurrent} and its {@code locks} package opened to the
 * agent (done at startup through {@code Instrumentation.redefineModule}); without it, owners are simply unknown.
 */
final class LockOwners {
  private static final Method EXCLUSIVE_OWNER = accessibleMethod(AbstractOwnableSynchronizer.class,
      "getExclusiveOwnerThread");
  private static final Field SEMAPHORE_SYNC = accessibleField(Semaphore.class, "sync");

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
