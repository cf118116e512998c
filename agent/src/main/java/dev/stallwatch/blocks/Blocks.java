package dev.stallwatch.blocks;

import dev.stallwatch.bootstrap.StallwatchOperations;
import dev.stallwatch.config.StallwatchConfig;
import dev.stallwatch.instrumentation.LoadedClasses;
import dev.stallwatch.runaway.InFlightOperations;
import dev.stallwatch.runaway.Watchdog;
import dev.stallwatch.telemetry.Telemetry;
import java.lang.instrument.Instrumentation;
import java.time.Duration;
import java.util.List;

/**
 * Block-processing methods named by {@code stallwatch.blocks}: instruments them (in classes loaded before and after
 * the agent starts), traces each call, and has the runaway watchdog watch them. See docs/blocks.md.
 */
public final class Blocks {
  /** The operation kind of block methods in detections and metrics. */
  public static final String KIND = "block";
  /** How long after start a pattern may match nothing before the hint about a typo is printed. */
  static final Duration NO_MATCH_HINT_DELAY = Duration.ofSeconds(10);

  private Blocks() {}

  /**
   * Does nothing when {@code stallwatch.blocks} is unset. Returns how many classes already loaded (before a late
   * attach, or by the time of {@code premain}) were retransformed.
   */
  public static int install(Instrumentation instrumentation, StallwatchConfig config, Telemetry telemetry,
      InFlightOperations operations, Watchdog watchdog) {
    if (config.blocks().isEmpty()) {
      return 0;
    }
    BlockMatcher matcher = new BlockMatcher(config.blocks());
    BlockSites sites = new BlockSites(config.runawayThreshold());
    StallwatchOperations.setListener(new BlockCalls(sites, operations, telemetry.tracer(), telemetry.meter()));

    ClassLoader agentLoader = Blocks.class.getClassLoader();
    BlockTransformer transformer = new BlockTransformer(matcher, sites, agentLoader);
    instrumentation.addTransformer(transformer, true);
    // Classes already loaded (at premain a few of the application's; at a late attach all of them): those the
    // transformer changes are retransformed, in short batches.
    List<Class<?>> loaded = LoadedClasses.changedBy(instrumentation, agentLoader, List.of(transformer)).classes();
    int retransformed = LoadedClasses.retransform(instrumentation, loaded);

    watchdog.every(Duration.ofSeconds(1), new NoMatchHint(matcher.patterns(), sites, NO_MATCH_HINT_DELAY));
    return retransformed;
  }
}
