package dev.stallwatch.websocket;

import dev.stallwatch.instrumentation.SiteRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Numbers the instrumented handler methods (see {@link SiteRegistry}); every overload is a site of its own. */
final class WebSocketSites {
  private final long thresholdNanos;
  private final SiteRegistry<WebSocketSite> sites = new SiteRegistry<>();
  private final Map<String, WebSocketSite[]> containerSide = new ConcurrentHashMap<>();

  WebSocketSites(long thresholdNanos) {
    this.thresholdNanos = thresholdNanos;
  }

  int idFor(String className, String endpoint, HandlerMethod method) {
    return sites.idFor(className + "#" + method.name() + method.descriptor(),
        () -> new WebSocketSite(className, endpoint, method, thresholdNanos));
  }

  /** Where {@link #containerSide} keeps the site of a message handed over in parts. */
  static final int PARTIAL_MESSAGE = 4;

  /**
   * The container-side open, message, close and error sites of an endpoint (indexed by {@link HandlerEvent}; the
   * message sites are for handlers that cannot be instrumented, lambdas, whole and in parts), made once.
   */
  WebSocketSite[] containerSide(String endpoint) {
    WebSocketSite[] cached = containerSide.get(endpoint);
    if (cached != null) {
      return cached;
    }
    WebSocketSite[] made = new WebSocketSite[PARTIAL_MESSAGE + 1];
    for (HandlerEvent event : HandlerEvent.values()) {
      made[event.ordinal()] = WebSocketSite.containerSide(endpoint, event, false, thresholdNanos);
    }
    made[PARTIAL_MESSAGE] = WebSocketSite.containerSide(endpoint, HandlerEvent.MESSAGE, true, thresholdNanos);
    WebSocketSite[] raced = containerSide.putIfAbsent(endpoint, made);
    return raced != null ? raced : made;
  }

  WebSocketSite get(int id) {
    return sites.get(id);
  }
}
