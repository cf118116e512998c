package dev.stallwatch.bootstrap;

/** One finished lock wait of a millisecond or more, on its way to the duration histogram. */
public final class StallwatchCompletedWait {
  public final Class<?> synchronizerClass;
  public final int kind;
  public final long nanos;
  /** The application frame that asked for the lock, in {@code StackTraceElement.toString()} form, or null. */
  public final String site;

  StallwatchCompletedWait(Class<?> synchronizerClass, int kind, long nanos, String site) {
    this.synchronizerClass = synchronizerClass;
    this.kind = kind;
    this.nanos = nanos;
    this.site = site;
  }
}
