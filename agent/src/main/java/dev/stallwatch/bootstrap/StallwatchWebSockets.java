package dev.stallwatch.bootstrap;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * The static hooks inlined into WebSocket handler methods: {@code begin} on entry, {@code end} on every exit.
 * Defined into {@code java.base} like every class of this package, so handlers in any class loader can call it. Never
 * throws and takes no lock; without a listener {@code begin} is one volatile read.
 */
public final class StallwatchWebSockets {
  private static volatile StallwatchWebSocketListener listener;
  private static final MethodType WHOLE = MethodType.methodType(void.class, Object.class);
  private static final MethodType PART = MethodType.methodType(void.class, Object.class, boolean.class);
  /** {@code handler.onMessage(message)} of each handler class, for {@link #deliver}. */
  private static final ClassValue<MethodHandle> WHOLE_CALLS = new ClassValue<>() {
    @Override
    protected MethodHandle computeValue(Class<?> type) {
      return onMessage(type, "MessageHandler$Whole", WHOLE);
    }
  };
  /** {@code handler.onMessage(part, last)} of each handler class, for {@link #deliverPart}. */
  private static final ClassValue<MethodHandle> PART_CALLS = new ClassValue<>() {
    @Override
    protected MethodHandle computeValue(Class<?> type) {
      return onMessage(type, "MessageHandler$Partial", PART);
    }
  };

  private StallwatchWebSockets() {}

  /** Called once by the agent's core at startup. */
  /**
   * Whether {@link #delivering} is kept: switched on by the agent once it links message spans to their session
   * (beside the OpenTelemetry Java agent, when an upgrade request was traced); until then a delivery costs nothing more.
   */
  private static volatile boolean deliveriesWatched;
  /** The handler a container is handing a message to on this thread ({@link #deliver}), while it runs. */
  private static final ThreadLocal<Object> DELIVERING = new ThreadLocal<>();

  public static void watchDeliveries() {
    deliveriesWatched = true;
  }

  /** The registered handler whose message this thread is delivering now, or null (read only once watched). */
  public static Object delivering() {
    return deliveriesWatched ? DELIVERING.get() : null;
  }

  public static void setListener(StallwatchWebSocketListener newListener) {
    listener = newListener;
  }

  public static Object begin(int site, Object self, Object[] arguments) {
    StallwatchWebSocketListener current = listener;
    if (current == null) {
      return null;
    }
    try {
      return current.begin(site, self, arguments);
    } catch (Throwable t) {
      StallwatchHealth.swallowed(t);
      return null;
    }
  }

  /**
   * Inlined into the container's side of a session's lifecycle (an {@code Endpoint.onOpen/onClose/onError} as the
   * container calls it, Jetty's frame handler): {@code kind} is a constant naming the event and the hook's shape,
   * {@code self} the hooked object and {@code first}, {@code second} its two arguments. The token goes to {@link #end}.
   */
  public static Object lifecycle(int kind, Object self, Object first, Object second) {
    StallwatchWebSocketListener current = listener;
    if (current == null) {
      return null;
    }
    try {
      return current.lifecycle(kind, self, first, second);
    } catch (Throwable t) {
      StallwatchHealth.swallowed(t);
      return null;
    }
  }

  public static void end(Object token, Throwable thrown, Object returned) {
    if (token == null) {
      return;
    }
    StallwatchWebSocketListener current = listener;
    if (current == null) {
      return;
    }
    try {
      current.end(token, thrown, returned);
    } catch (Throwable t) {
      StallwatchHealth.swallowed(t);
      // never disturb the application
    }
  }

  /**
   * Called where the application sends a WebSocket message (its call sites of {@code RemoteEndpoint.sendText},
   * Spring's {@code WebSocketSession.sendMessage}, ... are rewritten to call this first, with the message).
   */
  public static void sent(Object message) {
    StallwatchWebSocketListener current = listener;
    if (current == null) {
      return;
    }
    try {
      current.sent(message);
    } catch (Throwable t) {
      StallwatchHealth.swallowed(t);
      // never disturb the application
    }
  }

  /**
   * Replaces the containers' calls of {@code MessageHandler.Whole.onMessage} (Tomcat's frame reader, Jetty's method
   * holders, Tyrus's session): the handler is called exactly as before, and a handler whose class cannot be
   * instrumented (a lambda: a hidden class, never handed to a class file transformer) is traced from here. What the
   * handler throws is thrown on unchanged.
   */
  public static void deliver(Object handler, Object message) throws Throwable {
    if (!deliveriesWatched) {
      deliverWhole(handler, message);
      return;
    }
    Object previous = DELIVERING.get();
    DELIVERING.set(handler);
    try {
      deliverWhole(handler, message);
    } finally {
      DELIVERING.set(previous);
    }
  }

  private static void deliverWhole(Object handler, Object message) throws Throwable {
    Object token = handler.getClass().isHidden() ? received(handler, message, false, true) : null;
    MethodHandle call = WHOLE_CALLS.get(handler.getClass());
    if (token == null) {
      call.invokeExact(handler, message);
      return;
    }
    try {
      call.invokeExact(handler, message);
    } catch (Throwable t) {
      end(token, t, null);
      throw t;
    }
    end(token, null, null);
  }

  /** As {@link #deliver}, for {@code MessageHandler.Partial.onMessage(part, last)}. */
  public static void deliverPart(Object handler, Object part, boolean last) throws Throwable {
    if (!deliveriesWatched) {
      deliverPartNow(handler, part, last);
      return;
    }
    Object previous = DELIVERING.get();
    DELIVERING.set(handler);
    try {
      deliverPartNow(handler, part, last);
    } finally {
      DELIVERING.set(previous);
    }
  }

  private static void deliverPartNow(Object handler, Object part, boolean last) throws Throwable {
    Object token = handler.getClass().isHidden() ? received(handler, part, true, last) : null;
    MethodHandle call = PART_CALLS.get(handler.getClass());
    if (token == null) {
      call.invokeExact(handler, part, last);
      return;
    }
    try {
      call.invokeExact(handler, part, last);
    } catch (Throwable t) {
      end(token, t, null);
      throw t;
    }
    end(token, null, null);
  }

  private static Object received(Object handler, Object message, boolean partial, boolean last) {
    StallwatchWebSocketListener current = listener;
    if (current == null) {
      return null;
    }
    try {
      return current.received(handler, message, partial, last);
    } catch (Throwable t) {
      StallwatchHealth.swallowed(t);
      return null;
    }
  }

  /** The handler interface's {@code onMessage}, typed to take the handler as an Object. */
  private static MethodHandle onMessage(Class<?> type, String simpleName, MethodType shape) {
    Class<?> api = find(type, simpleName);
    if (api == null) {
      throw new IncompatibleClassChangeError(type.getName() + " does not implement " + simpleName);
    }
    try {
      return MethodHandles.publicLookup().findVirtual(api, "onMessage", shape)
          .asType(shape.insertParameterTypes(0, Object.class));
    } catch (ReflectiveOperationException e) {
      IncompatibleClassChangeError error = new IncompatibleClassChangeError(e.toString());
      error.initCause(e);
      throw error;
    }
  }

  private static Class<?> find(Class<?> type, String simpleName) {
    for (Class<?> c = type; c != null; c = c.getSuperclass()) {
      for (Class<?> i : c.getInterfaces()) {
        if (i.getName().equals("jakarta.websocket." + simpleName) || i.getName().equals("javax.websocket." + simpleName)) {
          return i;
        }
        Class<?> inherited = find(i, simpleName);
        if (inherited != null) {
          return inherited;
        }
      }
    }
    return null;
  }

  /**
   * Called where the application opens a streamed send ({@code RemoteEndpoint.Basic.getSendWriter()} for text,
   * {@code getSendStream()} for binary): one message whose size is not known.
   */
  public static void sentStream(boolean text) {
    StallwatchWebSocketListener current = listener;
    if (current == null) {
      return;
    }
    try {
      current.sentStream(text);
    } catch (Throwable t) {
      StallwatchHealth.swallowed(t);
      // never disturb the application
    }
  }
}
