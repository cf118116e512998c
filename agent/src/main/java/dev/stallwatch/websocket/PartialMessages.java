package dev.stallwatch.websocket;

import io.opentelemetry.api.trace.Span;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Messages a partial handler is being handed part by part ({@code MessageHandler.Partial}, an {@code @OnMessage}
 * with a last-part flag), by handler object: one span for the whole message, from its first part to its last, with
 * the parts counted on it. A container hands one session's parts to its handler in order, one at a time.
 */
final class PartialMessages {
  /** Past this many unfinished messages (sessions that closed mid-message), new ones get a span per part again. */
  private static final int MAX_UNFINISHED = 10_000;

  private final Map<IdentityKey, Message> unfinished = new ConcurrentHashMap<>();

  /** The message {@code handler} is in the middle of, or null. */
  Message current(Object handler) {
    return unfinished.get(new IdentityKey(handler));
  }

  void started(Object handler, Message message) {
    if (unfinished.size() < MAX_UNFINISHED) {
      unfinished.put(message.key = new IdentityKey(handler), message);
    }
  }

  void finished(Message message) {
    if (message.key != null) {
      unfinished.remove(message.key, message);
    }
  }

  /** One message in parts. */
  static final class Message {
    final Span span;
    final String type;
    long parts;
    long size;
    boolean sizeKnown = true;
    IdentityKey key;

    Message(Span span, String type) {
      this.span = span;
      this.type = type;
    }
  }

  /** A handler call on one part: the scope to close, and whether it was the last part. */
  record Part(Object scope, Message message, boolean last) {}
}
