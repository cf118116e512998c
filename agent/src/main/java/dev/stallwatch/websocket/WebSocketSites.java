package dev.stallwatch.websocket;

import dev.stallwatch.instrumentation.SiteRegistry;

/** Numbers the instrumented handler methods (see {@link SiteRegistry}); every overload is a site of its own. */
final class WebSocketSites {
  private final long thresholdNanos;
  private final SiteRegistry<WebSocketSite> sites = new SiteRegistry<>();

  WebSocketSites(long thresholdNanos) {
    this.thresholdNanos = thresholdNanos;
  }

  int idFor(String className, String endpoint, HandlerMethod method) {
    return sites.idFor(className + "#" + method.name() + method.descriptor(),
        () -> new WebSocketSite(className, endpoint, method, thresholdNanos));
  }

  WebSocketSite get(int id) {
    return sites.get(id);
  }
}
