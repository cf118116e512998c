package dev.stallwatch.bootstrap;

import java.util.Iterator;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Tells whether a thread runs the agent's code at its root: its outermost frame outside the JDK belongs to a class of
 * the agent's loader. That is how the OpenTelemetry SDK's own threads are known (batch span and log processors, the
 * periodic metric reader, the HTTP sender's executor): the SDK's thread factory clears their context class loader, so
 * the inherited-loader test in {@link StallwatchRegistry} does not see them, and their names are the same as those of
 * an application's own SDK. The walk runs once per thread, when the thread first reaches a hook; it is as plain as
 * {@link StallwatchCallSite}'s (no lambda linked in a lock path).
 */
final class StallwatchThreadOrigin {
  private static final StackWalker WALKER = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE);

  private StallwatchThreadOrigin() {}

  /** True when the calling thread's outermost non-JDK frame is a class defined by {@code agentLoader}. */
  static boolean startedByAgent(ClassLoader agentLoader) {
    return WALKER.walk(new OutermostLoader()) == agentLoader;
  }

  private static final class OutermostLoader implements Function<Stream<StackWalker.StackFrame>, ClassLoader> {
    private static final ClassLoader PLATFORM = ClassLoader.getPlatformClassLoader();

    @Override
    public ClassLoader apply(Stream<StackWalker.StackFrame> frames) {
      ClassLoader outermost = null;
      for (Iterator<StackWalker.StackFrame> it = frames.iterator(); it.hasNext(); ) {
        ClassLoader loader = it.next().getDeclaringClass().getClassLoader();
        if (loader != null && loader != PLATFORM) {
          outermost = loader;
        }
      }
      return outermost;
    }
  }
}
