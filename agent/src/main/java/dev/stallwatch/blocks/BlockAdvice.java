package dev.stallwatch.blocks;

import dev.stallwatch.bootstrap.StallwatchOperations;
import net.bytebuddy.asm.Advice;

/**
 * Inlined into every block method. Calls only the bootstrap hooks, which any class loader can see; the site number
 * is a constant baked in at transformation time ({@link BlockSiteId}).
 */
final class BlockAdvice {
  private BlockAdvice() {}

  @Advice.OnMethodEnter(suppress = Throwable.class)
  static Object enter(@BlockSiteId int site) {
    return StallwatchOperations.begin(site);
  }

  @Advice.OnMethodExit(suppress = Throwable.class, onThrowable = Throwable.class)
  static void exit(@Advice.Enter Object token, @Advice.Thrown Throwable thrown) {
    StallwatchOperations.end(token, thrown);
  }
}
