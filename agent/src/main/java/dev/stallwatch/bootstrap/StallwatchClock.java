package dev.stallwatch.bootstrap;

/**
 * A clock cheap enough for the lock hot path: one volatile read instead of {@code System.nanoTime()} (~20 ns).
 *
 * <p>The watchdog advances it every 50 ms; thresholds are 100 ms and more, so that resolution is enough. Like every
 * class of this package it is defined into {@code java.base} at startup (see {@code StallwatchAgent}), because advice
 * inlined into JDK classes can only call classes the boot loader knows.
 */
public final class StallwatchClock {
  private static volatile long nowMillis = System.currentTimeMillis();

  private StallwatchClock() {}

  /** Milliseconds since the epoch as of the last tick. */
  public static long millis() {
    return nowMillis;
  }

  /** Called by the watchdog thread only. */
  public static void tick() {
    nowMillis = System.currentTimeMillis();
  }
}
