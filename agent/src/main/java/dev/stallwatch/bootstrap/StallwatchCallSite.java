package dev.stallwatch.bootstrap;

import java.util.Iterator;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Names the application code that called into the JDK. It runs in the waiting thread right after a lock wait of a
 * millisecond or more, while that thread holds the lock it just got, so it does as little as it can there:
 * <ul>
 *   <li>a {@link StackWalker} that stops at the first frame outside the JDK ({@link StallwatchPlatformClasses} says
 *       which are the JDK's) where {@code Thread.getStackTrace} would build every frame of the stack (tens of
 *       microseconds on a server's 60-frame stacks);
 *   <li>sized for the hook's own depth: the first batch the walker fetches covers the lock's frames and the
 *       application's caller (the default first batch of 8 frames does not, so a second native fetch followed);
 *   <li>bounded: it gives up after {@link #MAX_FRAMES} frames (a lock taken deep inside the JDK's own code);
 *   <li>it returns the frame itself: turning it into a {@code StackTraceElement} and a string (which resolves the
 *       method and allocates) is left to the watchdog, see {@link #describe}.
 * </ul>
 * Deliberately plain (a named function class, no lambdas, no stream pipeline): linking a lambda inside a lock slow
 * path could itself take a lock and re-enter the hooks; the agent calls it once at start-up so that the JDK's own
 * walker is linked by then.
 */
public final class StallwatchCallSite {
  /** Frames the walk looks at before it gives up. */
  static final int MAX_FRAMES = 64;
  /** The hook's frames plus a lock's (AQS, the sync, the lock, the caller), with room: one native fetch. */
  private static final int ESTIMATED_DEPTH = 16;

  private static final StackWalker WALKER = StackWalker.getInstance(Set.of(), ESTIMATED_DEPTH);
  private static final FirstApplicationFrame FIRST_APPLICATION_FRAME = new FirstApplicationFrame();

  private StallwatchCallSite() {}

  /** The innermost frame outside the JDK, or null when there is none in the first {@link #MAX_FRAMES}. */
  public static StackWalker.StackFrame firstApplicationStackFrame() {
    return WALKER.walk(FIRST_APPLICATION_FRAME);
  }

  /** {@link #firstApplicationStackFrame()} as {@code StackTraceElement.toString()}, or null. */
  public static String firstApplicationFrame() {
    return describe(firstApplicationStackFrame());
  }

  /** A frame as {@code StackTraceElement.toString()}, or null for null; for the watchdog, off the hot path. */
  public static String describe(StackWalker.StackFrame frame) {
    return frame == null ? null : frame.toStackTraceElement().toString();
  }

  private static final class FirstApplicationFrame
      implements Function<Stream<StackWalker.StackFrame>, StackWalker.StackFrame> {
    @Override
    public StackWalker.StackFrame apply(Stream<StackWalker.StackFrame> frames) {
      int seen = 0;
      for (Iterator<StackWalker.StackFrame> it = frames.iterator(); it.hasNext() && seen < MAX_FRAMES; seen++) {
        StackWalker.StackFrame frame = it.next();
        if (!StallwatchPlatformClasses.isPlatformClass(frame.getClassName())) {
          return frame;
        }
      }
      return null;
    }
  }
}
