package dev.stallwatch.websocket;

import dev.stallwatch.bootstrap.StallwatchHealth;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.function.Consumer;

/**
 * The few Spring WebFlux, Reactor and Netty methods {@link ReactiveWebSockets} calls, looked up once per class loader
 * on their public API types (an implementation class may not be public: {@code WebsocketServerOperations}, Netty's
 * pooled buffers); only Spring's protected {@code AbstractWebSocketSession.getDelegate()} and the private
 * {@code delegate} of its {@code ContextWebSocketHandler} are made accessible. Null from {@link #of} when the
 * loader has no Reactor Netty WebFlux; any later failure is swallowed and reads as "unknown".
 */
final class ReactiveApi {
  private final Method doOnError;
  private final Method doFinally;
  private final Method subscribe;
  /** {@code WebSocketSession.closeStatus()}: Spring 5.3 and later; null before. */
  private final Method closeStatus;
  private final Method getDelegate;
  private final Method getInbound;
  private final Method getCode;
  private final Method getReason;
  private final Method frameContent;
  private final Method readableBytes;
  private final Method messageType;
  private final Method payload;
  private final Method readableByteCount;
  /** Reactor Netty's {@code HttpInfos.fullPath()} and {@code WebsocketInbound.receiveCloseStatus()}, or null. */
  private final Method fullPath;
  private final Method receiveCloseStatus;

  private ReactiveApi(ClassLoader loader) throws ReflectiveOperationException {
    Class<?> mono = Class.forName("reactor.core.publisher.Mono", false, loader);
    doOnError = mono.getMethod("doOnError", Consumer.class);
    doFinally = mono.getMethod("doFinally", Consumer.class);
    subscribe = mono.getMethod("subscribe", Consumer.class, Consumer.class, Runnable.class);
    Class<?> session = Class.forName("org.springframework.web.reactive.socket.WebSocketSession", false, loader);
    closeStatus = optional(session, "closeStatus");
    // Protected since Spring 5.0 (the application's session is in an unnamed module, open to the agent's).
    getDelegate = Class.forName("org.springframework.web.reactive.socket.adapter.AbstractWebSocketSession", false,
        loader).getDeclaredMethod("getDelegate");
    getDelegate.setAccessible(true);
    getInbound = Class.forName(
        "org.springframework.web.reactive.socket.adapter.ReactorNettyWebSocketSession$WebSocketConnection", false,
        loader).getMethod("getInbound");
    Class<?> status = Class.forName("org.springframework.web.reactive.socket.CloseStatus", false, loader);
    getCode = status.getMethod("getCode");
    getReason = status.getMethod("getReason");
    frameContent = Class.forName("io.netty.buffer.ByteBufHolder", false, loader).getMethod("content");
    readableBytes = Class.forName("io.netty.buffer.ByteBuf", false, loader).getMethod("readableBytes");
    Class<?> message = Class.forName("org.springframework.web.reactive.socket.WebSocketMessage", false, loader);
    messageType = message.getMethod("getType");
    payload = message.getMethod("getPayload");
    readableByteCount = Class.forName("org.springframework.core.io.buffer.DataBuffer", false, loader)
        .getMethod("readableByteCount");
    fullPath = optional(Class.forName("reactor.netty.http.HttpInfos", false, loader), "fullPath");
    receiveCloseStatus = optional(Class.forName("reactor.netty.http.websocket.WebsocketInbound", false, loader),
        "receiveCloseStatus");
  }

  static ReactiveApi of(ClassLoader loader) {
    try {
      return new ReactiveApi(loader);
    } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
      StallwatchHealth.swallowed(e);
      return null;
    }
  }

  private static Method optional(Class<?> type, String name) {
    try {
      return type.getMethod(name);
    } catch (NoSuchMethodException e) {
      return null;
    }
  }

  /** Reactor Netty's connection behind a Spring session ({@code getDelegate().getInbound()}), or null. */
  Object connection(Object springSession) {
    return call(getInbound, call(getDelegate, springSession));
  }

  /** {@code mono.doOnError(failed).doFinally(terminated)}: Reactor's own operators, subscribed to by whoever was. */
  Object afterHandler(Object mono, Consumer<Throwable> failed, Consumer<Object> terminated)
      throws ReflectiveOperationException {
    return doFinally.invoke(doOnError.invoke(mono, failed), terminated);
  }

  /**
   * Subscribes {@code closed} to the session's close status ({@code closeStatus()}, a replaying signal of the
   * connection, not a publisher of the application's): the status, or {@code withoutStatus} when the connection
   * closed without one (no close frame: a client that dropped the connection). False when this Spring has no close
   * status.
   */
  boolean onClose(Object springSession, Consumer<Object> closed, Object withoutStatus) {
    if (closeStatus == null) {
      return false;
    }
    Object mono = call(closeStatus, springSession);
    if (mono == null) {
      return false;
    }
    Consumer<Throwable> failed = error -> closed.accept(withoutStatus);
    Runnable empty = () -> closed.accept(withoutStatus);
    try {
      subscribe.invoke(mono, closed, failed, empty);
      return true;
    } catch (ReflectiveOperationException | RuntimeException e) {
      StallwatchHealth.swallowed(e);
      return false;
    }
  }

  /** The path a Reactor Netty server connection was opened on ({@code /echo}), or null. */
  String path(Object connection) {
    return call(fullPath, connection) instanceof String path ? path : null;
  }

  /**
   * Runs {@code closed} once Reactor Netty's connection has closed (its {@code receiveCloseStatus()}: a close status,
   * or empty when the connection ended without one); false when that cannot be subscribed to.
   */
  boolean onConnectionClose(Object connection, Runnable closed) {
    Object mono = call(receiveCloseStatus, connection);
    if (mono == null) {
      return false;
    }
    Consumer<Object> status = s -> closed.run();
    Consumer<Throwable> failed = error -> closed.run();
    try {
      subscribe.invoke(mono, status, failed, closed);
      return true;
    } catch (ReflectiveOperationException | RuntimeException e) {
      StallwatchHealth.swallowed(e);
      return false;
    }
  }

  int closeCode(Object status) {
    if (status instanceof Integer code) {
      return code;
    }
    return call(getCode, status) instanceof Integer code ? code : -1;
  }

  String closeReason(Object status) {
    return call(getReason, status) instanceof String reason ? reason : null;
  }

  /** A Netty frame's payload size in bytes (UTF-8 bytes for text), or -1. */
  long frameSize(Object frame) {
    return call(readableBytes, call(frameContent, frame)) instanceof Integer size ? size : -1;
  }

  /** {@code text}, {@code binary}, {@code ping} or {@code pong} of a Spring {@code WebSocketMessage}, or null. */
  String messageType(Object message) {
    return ReactiveWebSockets.typeName(call(messageType, message));
  }

  long messageSize(Object message) {
    return call(readableByteCount, call(payload, message)) instanceof Integer size ? size : -1;
  }

  /** A private field of a Spring decorator (its {@code delegate}), or null. */
  static Object field(Object target, String name) {
    try {
      Field field = target.getClass().getDeclaredField(name);
      field.setAccessible(true);
      return field.get(target);
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;
    }
  }

  private static Object call(Method method, Object target) {
    if (method == null || target == null) {
      return null;
    }
    try {
      return method.invoke(target);
    } catch (ReflectiveOperationException | RuntimeException e) {
      StallwatchHealth.swallowed(e);
      return null;
    }
  }
}
