package dev.stallwatch.instrumentation.locks;

import dev.stallwatch.bootstrap.StallwatchLockWaits;
import net.bytebuddy.asm.Advice;

/** Inlined into {@code StampedLock.acquireWrite}, the write lock's slow path. */
final class StampedWriteAdvice {
  private StampedWriteAdvice() {}

  @Advice.OnMethodEnter(suppress = Throwable.class)
  static void enter(@Advice.This Object lock) {
    StallwatchLockWaits.stampedAcquireBegins(lock, true);
  }

  @Advice.OnMethodExit(suppress = Throwable.class, onThrowable = Throwable.class)
  static void exit() {
    StallwatchLockWaits.acquireEnds();
  }
}
