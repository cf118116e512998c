package dev.stallwatch.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

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
    Duration deadlockInterval) {

  public StallwatchConfig {
    blocks = List.copyOf(blocks);
  }
}
