package dev.stallwatch.sample.rewrite;

import java.time.Duration;

/** Stands in for the time a remote call or a disk write takes in the real service. */
final class SimulatedLatency {
  private SimulatedLatency() {}

  /** Waits {@code latency}; an interrupt (a cancelled call) ends the wait early and stays set for the caller. */
  static void of(Duration latency) {
    if (latency.isZero() || latency.isNegative()) {
      return;
    }
    try {
      Thread.sleep(latency.toMillis(), (int) (latency.toNanos() % 1_000_000));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
