package dev.stallwatch.instrumentation.locks;

import dev.stallwatch.bootstrap.StallwatchLockWaits;
import net.bytebuddy.asm.Advice;

/**
 * Inlined into {@code AbstractQueuedSynchronizer.acquire(Node, int, boolean, boolean, boolean, long)} (and its twin in
 * {@code AbstractQueuedLongSynchronizer}), the slow path every ReentrantLock, ReentrantReadWriteLock and Semaphore
 * acquisition enters only after its fast attempt failed.
 */
final class QueuedAcquireAdvice {
  private QueuedAcquireAdvice() {}

  @Advice.OnMethodEnter(suppress = Throwable.class)
  static void enter(@Advice.This Object synchronizer, @Advice.Argument(2) boolean shared) {
    StallwatchLockWaits.queuedAcquireBegins(synchronizer, shared);
  }

  @Advice.OnMethodExit(suppress = Throwable.class, onThrowable = Throwable.class)
  static void exit() {
    StallwatchLockWaits.acquireEnds();
  }
}
