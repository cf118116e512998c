package dev.stallwatch.instrumentation.websocket;

import java.util.HashMap;
import java.util.Map;

/**
 * Numbers the instrumented handler methods; each carries its number as a constant in its advice, so a call finds its
 * {@link WebSocketSite} with one array read. Registration happens while classes load (rarely, under a lock); lookups
 * read a copy-on-write array.
 */
final class WebSocketSites {
  private final long thresholdNanos;
  private final Map<String, Integer> ids = new HashMap<>();
  private volatile WebSocketSite[] byId = new WebSocketSite[0];

  WebSocketSites(long thresholdNanos) {
    this.thresholdNanos = thresholdNanos;
  }

  synchronized int idFor(String className, String endpoint, HandlerMethod method) {
    String key = className + "#" + method.name() + method.descriptor();
    Integer existing = ids.get(key);
    if (existing != null) {
      return existing;
    }
    WebSocketSite[] current = byId;
    WebSocketSite[] next = java.util.Arrays.copyOf(current, current.length + 1);
    next[current.length] = new WebSocketSite(className, endpoint, method, thresholdNanos);
    byId = next;
    ids.put(key, current.length);
    return current.length;
  }

  WebSocketSite get(int id) {
    WebSocketSite[] sites = byId;
    return id >= 0 && id < sites.length ? sites[id] : null;
  }

  int size() {
    return byId.length;
  }
}
