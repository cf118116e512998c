package dev.stallwatch.websocket;

import dev.stallwatch.bootstrap.StallwatchReactiveWebSockets;
import net.bytebuddy.asm.Advice;

/**
 * Inlined into Reactor Netty's and Spring's own WebSocket classes for WebFlux ({@link ReactiveWebSocketTransformer});
 * calls only the bootstrap hooks.
 */
final class ReactiveAdvice {
  private ReactiveAdvice() {}

  /** {@code WebsocketServerOperations.onInboundNext(ChannelHandlerContext, Object frame)}. */
  static final class Inbound {
    private Inbound() {}

    @Advice.OnMethodEnter(suppress = Throwable.class)
    static Object enter(@Advice.This Object connection, @Advice.Argument(1) Object frame) {
      return StallwatchReactiveWebSockets.inbound(connection, frame);
    }

    @Advice.OnMethodExit(suppress = Throwable.class, onThrowable = Throwable.class)
    static void exit(@Advice.Enter Object token, @Advice.Thrown Throwable thrown) {
      StallwatchReactiveWebSockets.inboundDone(token, thrown);
    }
  }

  /** {@code NettyWebSocketSessionSupport.toFrame(WebSocketMessage)}: one outbound message. */
  static final class Outbound {
    private Outbound() {}

    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter(@Advice.This Object session, @Advice.Argument(0) Object message) {
      StallwatchReactiveWebSockets.sent(session, message);
    }
  }
}
