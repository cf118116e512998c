package dev.stallwatch.bootstrap;

import java.util.function.IntFunction;

/**
 * One finished lock wait of a millisecond or more, on its way to the duration histogram. The waiting thread fills it
 * right after it got the lock, so it keeps the site as it found it, a call-site id or a raw frame; the watchdog turns
 * it into text.
 */
public final class StallwatchCompletedWait {
  public final Class<?> synchronizerClass;
  public final int kind;
  public final long nanos;
  /** The rewritten call site that asked for the lock ({@code CallSites} id), or negative when there was none. */
  private final int siteId;
  /** Without a site id: the application frame that asked for the lock, or null. */
  private final StackWalker.StackFrame siteFrame;

  StallwatchCompletedWait(Class<?> synchronizerClass, int kind, long nanos, int siteId,
      StackWalker.StackFrame siteFrame) {
    this.synchronizerClass = synchronizerClass;
    this.kind = kind;
    this.nanos = nanos;
    this.siteId = siteId;
    this.siteFrame = siteFrame;
  }

  /**
   * Watchdog: the application frame that asked for the lock, in {@code StackTraceElement.toString()} form, or null;
   * {@code callSites} describes a site id.
   */
  public String site(IntFunction<String> callSites) {
    return siteId >= 0 ? callSites.apply(siteId) : StallwatchCallSite.describe(siteFrame);
  }
}
