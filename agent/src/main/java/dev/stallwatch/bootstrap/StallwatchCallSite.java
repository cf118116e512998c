package dev.stallwatch.bootstrap;

import java.util.Iterator;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Names the application code that called into the JDK. It runs in the waiting thread right after a lock wait of a
 * millisecond or more, while that thread holds the lock it just got, so it must be cheap: a {@link StackWalker}
 * stops at the first frame outside the JDK (a few frames, ~1-2 us; {@link StallwatchPlatformClasses} says which are
 * the JDK's) where {@code Thread.getStackTrace} would build every frame of the stack (tens of microseconds on a
 * server's 60-frame stacks). Deliberately plain (a named
 * function class, no lambdas, no stream pipeline): linking a lambda inside a lock slow path could itself take a lock
 * and re-enter the hooks; the agent calls it once at start-up so that the JDK's own walker is linked by then.
 */
public final class StallwatchCallSite {
  private static final StackWalker WALKER = StackWalker.getInstance();
  private static final FirstApplicationFrame FIRST_APPLICATION_FRAME = new FirstApplicationFrame();

  private StallwatchCallSite() {}

  /** The innermost frame outside the JDK, as {@code StackTraceElement.toString()}, or null when there is none. */
  public static String firstApplicationFrame() {
    return WALKER.walk(FIRST_APPLICATION_FRAME);
  }

  private static final class FirstApplicationFrame implements Function<Stream<StackWalker.StackFrame>, String> {
    @Override
    public String apply(Stream<StackWalker.StackFrame> frames) {
      for (Iterator<StackWalker.StackFrame> it = frames.iterator(); it.hasNext(); ) {
        StackWalker.StackFrame frame = it.next();
        if (!StallwatchPlatformClasses.isPlatformClass(frame.getClassName())) {
          return frame.toStackTraceElement().toString();
        }
      }
      return null;
    }
  }
}
