package dev.stallwatch.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The validated settings the agent runs with. Every value is usable: bad input was replaced by its default while
 * loading (see {@link ConfigLoader}).
 *
 * @param detectionsFile where detections are appended as JSON Lines, or null for none
 */
public record StallwatchConfig(
    Path detectionsFile,
    Duration lockWaitThreshold,
    Duration permitLeakThreshold,
    Duration runawayThreshold,
    List<BlockPattern> blocks,
    Duration deadlockInterval,
    Set<Feature> enabledFeatures) {

  public StallwatchConfig {
    blocks = List.copyOf(blocks);
    enabledFeatures = enabledFeatures.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(enabledFeatures));
  }

  public boolean enabled(Feature feature) {
    return enabledFeatures.contains(feature);
  }
}
