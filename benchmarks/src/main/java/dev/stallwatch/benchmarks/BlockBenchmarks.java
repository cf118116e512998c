package dev.stallwatch.benchmarks;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.CompilerControl;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * The per-call cost of a block method named in {@code stallwatch.blocks} (the agent run sets
 * {@code -Dstallwatch.blocks=BlockBenchmarks#rewriteBlock}): a span started, made current and ended, a duration
 * recorded, the call registered with the runaway watchdog. {@link #notABlock} is the same work, never instrumented.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class BlockBenchmarks {
  private long counter;

  @Benchmark
  public long instrumentedBlockCall() {
    return rewriteBlock();
  }

  @Benchmark
  public long plainMethodCall() {
    return notABlock();
  }

  @CompilerControl(CompilerControl.Mode.DONT_INLINE)
  long rewriteBlock() {
    return ++counter;
  }

  @CompilerControl(CompilerControl.Mode.DONT_INLINE)
  long notABlock() {
    return ++counter;
  }
}
