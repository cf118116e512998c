package dev.stallwatch.websocket;

import dev.stallwatch.bootstrap.StallwatchStomp;
import net.bytebuddy.asm.Advice;

/**
 * Inlined into Spring's {@code AbstractMethodMessageHandler} ({@link StompTransformer}). Calls only the bootstrap
 * hooks, which Spring's class loader can see.
 */
final class StompAdvice {
  private StompAdvice() {}

  /** {@code handleMatch(mapping, handlerMethod, lookupDestination, message)}: one handled message. */
  static final class HandleMatch {
    private HandleMatch() {}

    @Advice.OnMethodEnter(suppress = Throwable.class)
    static Object enter(@Advice.Argument(0) Object mapping, @Advice.Argument(1) Object handlerMethod,
        @Advice.Argument(2) String lookupDestination, @Advice.Argument(3) Object message) {
      return StallwatchStomp.begin(mapping, handlerMethod, lookupDestination, message);
    }

    @Advice.OnMethodExit(suppress = Throwable.class, onThrowable = Throwable.class)
    static void exit(@Advice.Enter Object token, @Advice.Thrown Throwable thrown) {
      StallwatchStomp.end(token, thrown);
    }
  }

  /** {@code getExceptionHandlerMethod(handlerMethod, exception)}: whether an exception handler takes it. */
  static final class ExceptionHandlerLookup {
    private ExceptionHandlerLookup() {}

    @Advice.OnMethodExit(suppress = Throwable.class)
    static void exit(@Advice.Argument(1) Object exception, @Advice.Return Object exceptionHandler) {
      StallwatchStomp.exceptionHandled(exception, exceptionHandler);
    }
  }
}
