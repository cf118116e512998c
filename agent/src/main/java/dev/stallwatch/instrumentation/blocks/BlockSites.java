package dev.stallwatch.instrumentation.blocks;

import dev.stallwatch.config.BlockPattern;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Numbers the instrumented block methods. Each instrumented method carries its number as a constant in its advice,
 * so a call finds its {@link BlockSite} with one array read. Registration happens while classes are transformed
 * (rarely, under a lock); lookups read a copy-on-write array.
 */
final class BlockSites {
  private final Duration defaultThreshold;
  private final Map<String, Integer> ids = new HashMap<>();
  private volatile BlockSite[] byId = new BlockSite[0];
  /** Patterns that have instrumented at least one method. */
  private final Set<BlockPattern> used = ConcurrentHashMap.newKeySet();

  BlockSites(Duration defaultThreshold) {
    this.defaultThreshold = defaultThreshold;
  }

  /** The number of {@code className.methodName}, registering it on first sight. */
  synchronized int idFor(String className, String methodName, BlockPattern pattern) {
    used.add(pattern);
    String key = className + "#" + methodName;
    Integer existing = ids.get(key);
    if (existing != null) {
      return existing;
    }
    Duration threshold = pattern.runawayThreshold() != null ? pattern.runawayThreshold() : defaultThreshold;
    BlockSite[] current = byId;
    BlockSite[] next = new BlockSite[current.length + 1];
    System.arraycopy(current, 0, next, 0, current.length);
    next[current.length] = new BlockSite(className, methodName, pattern, threshold.toNanos());
    byId = next;
    ids.put(key, current.length);
    return current.length;
  }

  BlockSite get(int id) {
    BlockSite[] sites = byId;
    return id >= 0 && id < sites.length ? sites[id] : null;
  }

  boolean used(BlockPattern pattern) {
    return used.contains(pattern);
  }
}
