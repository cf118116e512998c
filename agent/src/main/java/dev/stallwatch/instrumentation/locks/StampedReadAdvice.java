package dev.stallwatch.instrumentation.locks;

import dev.stallwatch.bootstrap.StallwatchLockWaits;
import net.bytebuddy.asm.Advice;

/** Inlined into {@code StampedLock.acquireRead}, the read lock's slow path. */
final class StampedReadAdvice {
  private StampedReadAdvice() {}

  @Advice.OnMethodEnter(suppress = Throwable.class)
  static void enter(@Advice.This Object lock) {
    StallwatchLockWaits.stampedAcquireBegins(lock, false);
  }

  @Advice.OnMethodExit(suppress = Throwable.class, onThrowable = Throwable.class)
  static void exit() {
    StallwatchLockWaits.acquireEnds();
  }
}
