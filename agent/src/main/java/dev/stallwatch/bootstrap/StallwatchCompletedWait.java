package dev.stallwatch.bootstrap;

/**
 * One finished lock wait of a millisecond or more, on its way to the duration histogram. The waiting thread fills it
 * right after it got the lock, so it keeps the raw frame of the site; the watchdog turns it into text.
 */
public final class StallwatchCompletedWait {
  public final Class<?> synchronizerClass;
  public final int kind;
  public final long nanos;
  /** The application frame that asked for the lock, or null. */
  private final StackWalker.StackFrame siteFrame;

  StallwatchCompletedWait(Class<?> synchronizerClass, int kind, long nanos, StackWalker.StackFrame siteFrame) {
    this.synchronizerClass = synchronizerClass;
    this.kind = kind;
    this.nanos = nanos;
    this.siteFrame = siteFrame;
  }

  /** Watchdog: the application frame that asked for the lock, in {@code StackTraceElement.toString()} form, or null. */
  public String site() {
    return StallwatchCallSite.describe(siteFrame);
  }
}
