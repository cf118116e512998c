package dev.stallwatch.benchmarks;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * What a lock wait of a millisecond or more costs inside the application's critical section: after such a wait the
 * waiting thread names the line that asked for the lock (for the wait histogram's site) while it holds the lock it
 * just got. Measured from a 40-frame stack, as a server's request thread has: the agent's walk, which stops at the
 * first frame outside the JDK, against building the whole stack trace, which is what it did before.
 *
 * <p>The walk is the agent's own hook, defined into {@code java.base} when the agent is attached, so this runs with
 * it only: {@code java -cp benchmarks/target/benchmarks.jar org.openjdk.jmh.Main LockSiteBenchmarks
 * -jvmArgsAppend -javaagent:agent/target/stallwatch-agent.jar}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class LockSiteBenchmarks {
  private static final int STACK_DEPTH = 40;
  private static MethodHandle firstApplicationFrame;

  @Setup
  public void findTheAgentsHook() throws ReflectiveOperationException {
    Class<?> hook = Class.forName("java.util.concurrent.locks.StallwatchCallSite");
    firstApplicationFrame = MethodHandles.publicLookup()
        .findStatic(hook, "firstApplicationFrame", MethodType.methodType(String.class));
  }

  @Benchmark
  public String siteByStackWalkerFromDeepStack() throws Throwable {
    return deep(STACK_DEPTH, true);
  }

  @Benchmark
  public String siteByFullStackTraceFromDeepStack() throws Throwable {
    return deep(STACK_DEPTH, false);
  }

  private static String deep(int depth, boolean walker) throws Throwable {
    if (depth > 0) {
      return deep(depth - 1, walker);
    }
    if (walker) {
      return (String) firstApplicationFrame.invokeExact();
    }
    for (StackTraceElement frame : Thread.currentThread().getStackTrace()) {
      if (!frame.getClassName().startsWith("java.")) {
        return frame.toString();
      }
    }
    return null;
  }
}
