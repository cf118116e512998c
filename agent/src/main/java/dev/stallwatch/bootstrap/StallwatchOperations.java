package dev.stallwatch.bootstrap;

/**
 * The static hooks the advice of instrumented operations calls (see {@code BlockAdvice}): {@code begin} on entry,
 * {@code end} on every exit, normal or not.
 *
 * <p>Defined into {@code java.base} at startup like every class of this package, so application classes in any class
 * loader can call it. It never throws, takes no lock, and when no listener is registered {@code begin} is one volatile
 * read returning null and {@code end(null, ...)} returns at once.
 */
public final class StallwatchOperations {
  private static volatile StallwatchOperationListener listener;

  private StallwatchOperations() {}

  /** Called once by the agent's core at startup; null unregisters. */
  public static void setListener(StallwatchOperationListener newListener) {
    listener = newListener;
  }

  /** A token for {@link #end}, or null when nothing is tracked. */
  public static Object begin(int site) {
    StallwatchOperationListener current = listener;
    if (current == null) {
      return null;
    }
    try {
      return current.begin(site);
    } catch (Throwable t) {
      StallwatchHealth.swallowed(t);
      return null;
    }
  }

  public static void end(Object token, Throwable thrown) {
    if (token == null) {
      return;
    }
    StallwatchOperationListener current = listener;
    if (current == null) {
      return;
    }
    try {
      current.end(token, thrown);
    } catch (Throwable t) {
      StallwatchHealth.swallowed(t);
      // never disturb the application
    }
  }
}
