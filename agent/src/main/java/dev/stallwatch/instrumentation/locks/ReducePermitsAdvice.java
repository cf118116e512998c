package dev.stallwatch.instrumentation.locks;

import dev.stallwatch.bootstrap.StallwatchPermits;
import net.bytebuddy.asm.Advice;

/**
 * Inlined into {@code Semaphore.reducePermits}: permits taken out of circulation by nobody in particular. Accounted so
 * that the release that later restores them balances them, instead of hiding somebody's real leak.
 */
final class ReducePermitsAdvice {
  private ReducePermitsAdvice() {}

  @Advice.OnMethodExit(suppress = Throwable.class)
  static void exit(@Advice.This Object semaphore, @Advice.Argument(0) int reduction) {
    StallwatchPermits.reduced(semaphore, reduction);
  }
}
