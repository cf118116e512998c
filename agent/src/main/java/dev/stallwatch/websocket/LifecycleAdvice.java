package dev.stallwatch.websocket;

import dev.stallwatch.bootstrap.StallwatchWebSockets;
import net.bytebuddy.asm.Advice;

/**
 * Inlined into the container-side lifecycle hooks ({@link LifecycleHooks}); the kind is a constant baked in at
 * transformation time. Calls only the bootstrap hooks.
 */
final class LifecycleAdvice {
  private LifecycleAdvice() {}

  @Advice.OnMethodEnter(suppress = Throwable.class)
  static Object enter(@WebSocketSiteId int kind, @Advice.This Object self, @Advice.Argument(0) Object first,
      @Advice.Argument(value = 1, optional = true) Object second) {
    return StallwatchWebSockets.lifecycle(kind, self, first, second);
  }

  @Advice.OnMethodExit(suppress = Throwable.class, onThrowable = Throwable.class)
  static void exit(@Advice.Enter Object token, @Advice.Thrown Throwable thrown) {
    StallwatchWebSockets.end(token, thrown, null);
  }
}
