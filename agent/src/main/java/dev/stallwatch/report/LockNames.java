package dev.stallwatch.report;

import dev.stallwatch.bootstrap.StallwatchThreadState;

/** How locks are named in detections and metrics. */
public final class LockNames {
  private LockNames() {}

  /**
   * The user-facing class of a synchronizer: {@code java.util.concurrent.locks.ReentrantLock} for its
   * {@code ReentrantLock$NonfairSync}, since nobody writes the inner class in their code.
   */
  public static String lockClass(Class<?> synchronizerClass) {
    return lockClass(synchronizerClass.getName());
  }

  /** {@link #lockClass(Class)} for a class name, as thread dumps and {@code LockInfo} give it. */
  public static String lockClass(String name) {
    int inner = name.indexOf('$');
    return inner > 0 && name.endsWith("Sync") ? name.substring(0, inner) : name;
  }

  /** {@code java.util.concurrent.locks.ReentrantLock@1b6d3586}: class and identity, as thread dumps show it. */
  public static String identity(Object lock) {
    return lockClass(lock.getClass()) + "@" + Integer.toHexString(System.identityHashCode(lock));
  }

  /** The kind of acquisition, in words: "lock", "read lock", "write lock", "permit". */
  public static String acquisition(Object lock, int waitKind) {
    String lockClass = lockClass(lock.getClass());
    if (lockClass.endsWith("Semaphore")) {
      return "a permit of";
    }
    return switch (waitKind) {
      case StallwatchThreadState.WAIT_SHARED, StallwatchThreadState.WAIT_STAMPED_READ -> "the read lock of";
      case StallwatchThreadState.WAIT_STAMPED_WRITE -> "the write lock of";
      default -> lockClass.endsWith("ReentrantReadWriteLock") ? "the write lock of" : "";
    };
  }
}
