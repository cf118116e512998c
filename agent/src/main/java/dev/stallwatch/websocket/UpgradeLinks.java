package dev.stallwatch.websocket;

import dev.stallwatch.bootstrap.StallwatchWebSockets;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.context.Context;
import java.util.Iterator;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A session's place in the trace of the HTTP upgrade request that opened it, where something traces that request (the
 * OpenTelemetry Java agent's servlet and Tomcat instrumentation: a server span for the {@code GET} with
 * {@code Upgrade: websocket}). The container calls the endpoint's {@code onOpen} after that request's span has ended
 * and outside its context (Tomcat: once the servlet returned, from the upgrade handler's {@code init}), so the context
 * is taken where it is still current, at the handshake ({@code Configurator.modifyHandshake}, on the request's
 * thread), by the per-session endpoint config the container hands to both the handshake and {@code onOpen}
 * (Tomcat's {@code WsPerSessionServerEndpointConfig}). The session's open span is then the upgrade span's child; and
 * each message span links to the session's open span: a message's own trace starts at the message, and the link
 * leads to the session and, one step up, to the request (and the client's trace) that opened it.
 *
 * <p>The message handlers are tied to their session when the container registers them
 * ({@code Session.addMessageHandler}, in {@code onOpen}) and found again by the handler the container hands a
 * message to ({@link StallwatchWebSockets#delivering}). Nothing is kept, and deliveries are not watched, until a
 * handshake ran in a traced request: with stallwatch's own SDK nothing traces HTTP requests and nothing changes.
 */
final class UpgradeLinks {
  private static final int MAX_PENDING = 10_000;
  private static final long PENDING_NANOS = 60_000_000_000L;
  private static final int MAX_SESSIONS = 200_000;
  private static final int MAX_HANDLERS_PER_SESSION = 64;

  private final Map<IdentityKey, Pending> handshakes = new ConcurrentHashMap<>();
  private final Map<IdentityKey, Linked> sessions = new ConcurrentHashMap<>();
  private final Map<IdentityKey, SpanContext> handlers = new ConcurrentHashMap<>();
  private volatile boolean active;

  private record Pending(Context context, long atNanos) {}

  private record Linked(SpanContext open, Queue<IdentityKey> handlers) {}

  /** The hook kind of a handshake or handler registration method ({@link LifecycleHooks}), or -1. */
  static int hookKind(String name, String descriptor) {
    for (String api : new String[] {"jakarta/websocket/", "javax/websocket/"}) {
      if (name.equals("modifyHandshake") && descriptor.equals("(L" + api + "server/ServerEndpointConfig;L" + api
          + "server/HandshakeRequest;L" + api + "HandshakeResponse;)V")) {
        return LifecycleHooks.HANDSHAKE;
      }
      if (name.equals("addMessageHandler") && (descriptor.equals("(L" + api + "MessageHandler;)V")
          || descriptor.equals("(Ljava/lang/Class;L" + api + "MessageHandler$Whole;)V")
          || descriptor.equals("(Ljava/lang/Class;L" + api + "MessageHandler$Partial;)V"))) {
        return LifecycleHooks.HANDLER_ADDED;
      }
    }
    return -1;
  }

  /** A handshake, on the upgrade request's thread: its context is kept for the session, when a span is current. */
  void handshake(Object config) {
    if (config == null) {
      return;
    }
    Context current = Context.current();
    if (!Span.fromContext(current).getSpanContext().isValid()) {
      return;
    }
    long now = System.nanoTime();
    if (handshakes.size() >= MAX_PENDING) {
      // Handshakes that never opened a session (refused after the configurator ran).
      handshakes.values().removeIf(pending -> now - pending.atNanos > PENDING_NANOS);
      if (handshakes.size() >= MAX_PENDING) {
        return;
      }
    }
    handshakes.putIfAbsent(new IdentityKey(config), new Pending(current, now));
    if (!active) {
      active = true;
      StallwatchWebSockets.watchDeliveries();
    }
  }

  /** The upgrade request's context for the session opened with {@code config}, once; null when none was traced. */
  Context upgrade(Object config) {
    if (!active || config == null) {
      return null;
    }
    Pending pending = handshakes.remove(new IdentityKey(config));
    return pending == null ? null : pending.context;
  }

  /** The session's open span, which its message spans link to. */
  void opened(Object containerSession, Span open) {
    if (active && open.getSpanContext().isValid() && sessions.size() < MAX_SESSIONS) {
      sessions.put(new IdentityKey(containerSession), new Linked(open.getSpanContext(),
          new ConcurrentLinkedQueue<>()));
    }
  }

  /** {@code session.addMessageHandler(handler)} or {@code (type, handler)}: the handler is the session's. */
  void handlerAdded(Object containerSession, Object first, Object second) {
    if (!active || containerSession == null) {
      return;
    }
    Object handler = first instanceof Class<?> ? second : first;
    Linked linked = sessions.get(new IdentityKey(containerSession));
    if (handler == null || linked == null || linked.handlers.size() >= MAX_HANDLERS_PER_SESSION) {
      return;
    }
    IdentityKey key = new IdentityKey(handler);
    // One handler object registered in two sessions belongs to neither: its messages get no link.
    if (handlers.merge(key, linked.open, (old, now) -> old.equals(now) ? old : SpanContext.getInvalid())
        == linked.open) {
      linked.handlers.add(key);
    }
  }

  /** The open span of the session whose message {@code handler} is handed now, or null. */
  SpanContext forMessage(Object handler) {
    if (!active || handler == null) {
      return null;
    }
    SpanContext open = handlers.get(new IdentityKey(handler));
    return open != null && open.isValid() ? open : null;
  }

  void closed(Object containerSession) {
    if (!active || containerSession == null) {
      return;
    }
    Linked linked = sessions.remove(new IdentityKey(containerSession));
    if (linked != null) {
      for (Iterator<IdentityKey> it = linked.handlers.iterator(); it.hasNext();) {
        handlers.remove(it.next());
      }
    }
  }
}
