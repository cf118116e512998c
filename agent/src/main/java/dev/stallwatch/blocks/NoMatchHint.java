package dev.stallwatch.blocks;

import dev.stallwatch.config.BlockPattern;
import dev.stallwatch.log.AgentLog;
import java.time.Duration;
import java.util.List;

/**
 * Once stallwatch has run for a while ({@link Blocks#NO_MATCH_HINT_DELAY}), names on stderr each {@code stallwatch.blocks}
 * pattern that has instrumented no method yet: usually a typo. Printed once; not a detection.
 */
final class NoMatchHint implements Runnable {
  private final List<BlockPattern> patterns;
  private final BlockSites sites;
  private final long delayMillis;
  private final long startNanos = System.nanoTime();
  private boolean done;

  NoMatchHint(List<BlockPattern> patterns, BlockSites sites, Duration delay) {
    this.patterns = patterns;
    this.sites = sites;
    this.delayMillis = delay.toMillis();
  }

  @Override
  public void run() {
    if (done || (System.nanoTime() - startNanos) / 1_000_000 < delayMillis) {
      return;
    }
    done = true;
    for (String line : hints(patterns, sites, delayMillis)) {
      AgentLog.line(line);
    }
  }

  static List<String> hints(List<BlockPattern> patterns, BlockSites sites, long delayMillis) {
    return patterns.stream()
        .filter(p -> !sites.used(p))
        .map(p -> "blocks: pattern '" + p + "' of stallwatch.blocks matched no method in the " + delayMillis / 1000
            + " s since start; a typo is the usual cause (a class loaded later is still instrumented)")
        .toList();
  }
}
