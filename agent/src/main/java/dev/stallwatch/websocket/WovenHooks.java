package dev.stallwatch.websocket;

import static dev.stallwatch.instrumentation.HookWeaver.Value.ALL_ARGUMENTS;
import static dev.stallwatch.instrumentation.HookWeaver.Value.RETURNED;
import static dev.stallwatch.instrumentation.HookWeaver.Value.THIS;
import static dev.stallwatch.instrumentation.HookWeaver.Value.THROWN;
import static dev.stallwatch.instrumentation.HookWeaver.Value.TOKEN;
import static dev.stallwatch.instrumentation.HookWeaver.Value.argument;
import static dev.stallwatch.instrumentation.HookWeaver.Value.constant;

import dev.stallwatch.bootstrap.StallwatchReactiveWebSockets;
import dev.stallwatch.bootstrap.StallwatchStomp;
import dev.stallwatch.bootstrap.StallwatchWebSockets;
import dev.stallwatch.instrumentation.HookWeaver.Hook;
import dev.stallwatch.instrumentation.HookWeaver.MethodHooks;
import java.util.List;

/**
 * Every bootstrap hook the WebSocket slice wraps a method in ({@link dev.stallwatch.instrumentation.HookWeaver}):
 * which hook is called on entry and on exit, and with what. The hooks catch everything they throw.
 */
final class WovenHooks {
  private static final String OBJECT = "Ljava/lang/Object;";
  private static final String WEBSOCKETS = internalName(StallwatchWebSockets.class);
  private static final String STOMP = internalName(StallwatchStomp.class);
  private static final String REACTIVE = internalName(StallwatchReactiveWebSockets.class);
  private static final Hook END = new Hook(WEBSOCKETS, "end", "(" + OBJECT + "Ljava/lang/Throwable;" + OBJECT + ")V",
      List.of(TOKEN, THROWN, RETURNED));

  private WovenHooks() {}

  /** An application's handler method: {@code begin(site, this, arguments)}, then {@code end}. */
  static MethodHooks handler(int site) {
    return new MethodHooks(new Hook(WEBSOCKETS, "begin", "(I" + OBJECT + "[" + OBJECT + ")" + OBJECT,
        List.of(constant(site), THIS, ALL_ARGUMENTS)), END, true);
  }

  /** A container's side of a session's lifecycle ({@link LifecycleHooks}): {@code kind} names the event. */
  static MethodHooks lifecycle(int kind) {
    return new MethodHooks(new Hook(WEBSOCKETS, "lifecycle", "(I" + OBJECT + OBJECT + OBJECT + ")" + OBJECT,
        List.of(constant(kind), THIS, argument(0), argument(1))), END, true);
  }

  /** {@code AbstractMethodMessageHandler.handleMatch(mapping, handlerMethod, lookupDestination, message)}. */
  static final MethodHooks STOMP_HANDLE_MATCH = new MethodHooks(
      new Hook(STOMP, "begin", "(" + OBJECT + OBJECT + "Ljava/lang/String;" + OBJECT + ")" + OBJECT,
          List.of(argument(0), argument(1), argument(2), argument(3))),
      new Hook(STOMP, "end", "(" + OBJECT + "Ljava/lang/Throwable;)V", List.of(TOKEN, THROWN)), true);

  /** {@code getExceptionHandlerMethod(handlerMethod, exception)}: whether an exception handler takes it. */
  static final MethodHooks STOMP_EXCEPTION_HANDLER_LOOKUP = new MethodHooks(null,
      new Hook(STOMP, "exceptionHandled", "(" + OBJECT + OBJECT + ")V", List.of(argument(1), RETURNED)), false);

  /** Reactor Netty's {@code WebsocketServerOperations.onInboundNext(ChannelHandlerContext, Object frame)}. */
  static final MethodHooks REACTIVE_INBOUND = new MethodHooks(
      new Hook(REACTIVE, "inbound", "(" + OBJECT + OBJECT + ")" + OBJECT, List.of(THIS, argument(1))),
      new Hook(REACTIVE, "inboundDone", "(" + OBJECT + "Ljava/lang/Throwable;)V", List.of(TOKEN, THROWN)), true);

  /** Spring's {@code NettyWebSocketSessionSupport.toFrame(WebSocketMessage)}: one outbound message. */
  static final MethodHooks REACTIVE_OUTBOUND = new MethodHooks(
      new Hook(REACTIVE, "sent", "(" + OBJECT + OBJECT + ")V", List.of(THIS, argument(0))), null, false);

  private static String internalName(Class<?> hooks) {
    return hooks.getName().replace('.', '/');
  }
}
