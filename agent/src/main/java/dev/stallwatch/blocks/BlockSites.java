package dev.stallwatch.blocks;

import dev.stallwatch.config.BlockPattern;
import dev.stallwatch.instrumentation.SiteRegistry;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Numbers the instrumented block methods (see {@link SiteRegistry}); all overloads of one name in one class share a
 * site. Remembers which patterns matched, for the no-match hint.
 */
final class BlockSites {
  private final Duration defaultThreshold;
  private final SiteRegistry<BlockSite> sites = new SiteRegistry<>();
  /** Patterns that have instrumented at least one method. */
  private final Set<BlockPattern> used = ConcurrentHashMap.newKeySet();

  BlockSites(Duration defaultThreshold) {
    this.defaultThreshold = defaultThreshold;
  }

  /** The number of {@code className.methodName}, registering it on first sight. */
  int idFor(String className, String methodName, BlockPattern pattern) {
    used.add(pattern);
    Duration threshold = pattern.runawayThreshold() != null ? pattern.runawayThreshold() : defaultThreshold;
    return sites.idFor(className + "#" + methodName,
        () -> new BlockSite(className, methodName, pattern, threshold.toNanos()));
  }

  BlockSite get(int id) {
    return sites.get(id);
  }

  boolean used(BlockPattern pattern) {
    return used.contains(pattern);
  }
}
