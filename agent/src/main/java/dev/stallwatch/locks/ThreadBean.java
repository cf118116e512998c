package dev.stallwatch.locks;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * The JVM's {@link ThreadMXBean}, fetched on first use rather than when a detector is made: the first call starts the
 * platform MBean machinery (~10-15 ms), which would otherwise run in {@code premain} on the application's main
 * thread; the detectors first use it on the watchdog thread.
 */
final class ThreadBean {
  private ThreadBean() {}

  static ThreadMXBean get() {
    return Holder.BEAN;
  }

  private static final class Holder {
    static final ThreadMXBean BEAN = ManagementFactory.getThreadMXBean();
  }
}
