package dev.stallwatch.bootstrap;

import java.util.function.LongFunction;
import java.util.function.ToLongFunction;

/**
 * The agent's one public interface for test frameworks (the JUnit extension in {@code stallwatch-junit}): open a
 * scope when a test starts, close it when the test ends, and get back what stallwatch found in between. Lives in the
 * hook package because that is the one part of the agent the application's class loader can see (it is defined into
 * {@code java.base} as {@code java.util.concurrent.locks.StallwatchTestScope}); the agent's core, in its own class
 * loader, installs the implementation ({@code dev.stallwatch.testscope.TestScopes}).
 *
 * <p>A stable contract, called by reflection so that a caller needs no stallwatch class at compile time: JDK types
 * only in every signature, {@link #INTERFACE_VERSION} raised only by an incompatible change. Nothing here runs on a
 * lock's path. Part of the bootstrap package: JDK types only (see {@code StallwatchClock}).
 */
public final class StallwatchTestScope {
  /** 1: {@code begin(String) -> long}, {@code end(long) -> String[]} of JSON objects, {@code available()}. */
  public static final int INTERFACE_VERSION = 1;

  private static volatile ToLongFunction<String> opener;
  private static volatile LongFunction<String[]> closer;

  private StallwatchTestScope() {}

  /** The agent's core, once at start-up. A second call is ignored, so it is no way to replace the agent's scopes. */
  public static synchronized void install(ToLongFunction<String> begin, LongFunction<String[]> end) {
    if (opener == null) {
      closer = end;
      opener = begin;
    }
  }

  public static int interfaceVersion() {
    return INTERFACE_VERSION;
  }

  /** Whether the agent's core installed the scopes (false when it failed to start). */
  public static boolean available() {
    return opener != null;
  }

  /**
   * Opens a scope for the test {@code testId} (any text naming it) on the calling thread, which is taken to be the
   * test's thread. Returns the token to hand to {@link #end}, or -1 when no scope could be opened.
   */
  public static long begin(String testId) {
    ToLongFunction<String> begin = opener;
    if (begin == null) {
      return -1;
    }
    try {
      return begin.applyAsLong(testId);
    } catch (Throwable t) {
      StallwatchHealth.swallowed(t);
      return -1;
    }
  }

  /**
   * Closes the scope of {@code token} and returns what was found while it was open, each a detection as one JSON
   * object, in the form of the JSON Lines file ({@code kind}, {@code time}, {@code thread}, {@code message},
   * {@code stack} and the kind's fields). Empty for an unknown token.
   */
  public static String[] end(long token) {
    LongFunction<String[]> end = closer;
    if (end == null || token < 0) {
      return new String[0];
    }
    try {
      return end.apply(token);
    } catch (Throwable t) {
      StallwatchHealth.swallowed(t);
      return new String[0];
    }
  }
}
