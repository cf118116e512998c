package dev.stallwatch.permits;

import java.util.List;

/**
 * The permits a server container takes for one connection's own I/O, which are never a {@code permit_leak}.
 *
 * <p>Tomcat guards each connection's writes with semaphores of its own ({@code SocketWrapperBase}'s write semaphore,
 * taken in {@code vectoredOperation}; {@code WsRemoteEndpointImplBase}'s message semaphore). When a client resets
 * the connection or a send times out, Tomcat abandons the connection with the permit still taken: released by
 * nobody, in a semaphore that nothing but the abandoned connection refers to, "held" by a pool thread that has long
 * gone back to waiting for work. Such a report names nothing the operator can change (issue 15 saw it on Tomcat 11's
 * own examples). What would matter is a live connection whose sends stall, and that still shows: the application's
 * thread then waits for that semaphore, which is a {@code lock_wait} naming the holder.
 *
 * <p>A list of sites, not a guess: each prefix is a container package whose semaphores were seen doing this. They
 * stay in the permit book (a lock wait on them still names who holds them) but get no leak report and no semaphore
 * gauge (one series per connection would only churn).
 */
public final class ContainerPermitSites {
  private static final List<String> PREFIXES = List.of(
      "org.apache.tomcat.util.net.", // SocketWrapperBase read/write semaphores, per connection
      "org.apache.tomcat.websocket."); // WsRemoteEndpointImplBase message semaphore, per WebSocket session

  private ContainerPermitSites() {}

  /** Whether a permit taken at {@code site} (a frame, {@code com.acme.Pool.take(Pool.java:42)}) is a container's. */
  public static boolean isContainerInternal(String site) {
    for (String prefix : PREFIXES) {
      if (site.startsWith(prefix)) {
        return true;
      }
    }
    return false;
  }
}
