package dev.stallwatch.websocket;

import dev.stallwatch.bootstrap.StallwatchWebSockets;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.implementation.bytecode.assign.Assigner;

/**
 * Inlined into every WebSocket handler method. Calls only the bootstrap hooks, which any class loader can see; the
 * site number is a constant baked in at transformation time.
 */
final class WebSocketAdvice {
  private WebSocketAdvice() {}

  @Advice.OnMethodEnter(suppress = Throwable.class)
  static Object enter(@WebSocketSiteId int site, @Advice.This(optional = true) Object self,
      @Advice.AllArguments Object[] arguments) {
    return StallwatchWebSockets.begin(site, self, arguments);
  }

  @Advice.OnMethodExit(suppress = Throwable.class, onThrowable = Throwable.class)
  static void exit(@Advice.Enter Object token, @Advice.Thrown Throwable thrown,
      @Advice.Return(typing = Assigner.Typing.DYNAMIC) Object returned) {
    StallwatchWebSockets.end(token, thrown, returned);
  }
}
