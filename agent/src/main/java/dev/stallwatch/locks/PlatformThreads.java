package dev.stallwatch.locks;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * Every live platform thread, as cheaply as the JVM can list them: {@code Thread.getThreads()}, the native method
 * behind {@code Thread.getAllStackTraces} minus the stacks (no safepoint, no Java lock, one array; ~30-60 us for 200
 * threads on this project's machine). Reading it needs {@code java.lang} opened to the agent, which start-up does for
 * the agent's own module only; without it, the root thread group is enumerated instead (on JDK 17 that takes each
 * group's monitor for a moment, which is why it is only the fallback). Virtual threads are never listed: the JVM does
 * not keep them in its thread list.
 */
final class PlatformThreads {
  private static final MethodHandle GET_THREADS = getThreads();
  private Thread[] buffer = new Thread[256];

  /** The live platform threads; the array is only valid until the next call. Watchdog thread only. */
  Thread[] list() {
    if (GET_THREADS != null) {
      try {
        return (Thread[]) GET_THREADS.invokeExact();
      } catch (Throwable t) {
        // fall back below
      }
    }
    ThreadGroup root = Thread.currentThread().getThreadGroup();
    while (root.getParent() != null) {
      root = root.getParent();
    }
    int count;
    while ((count = root.enumerate(buffer, true)) == buffer.length) {
      buffer = new Thread[buffer.length * 2];
    }
    Thread[] threads = new Thread[count];
    System.arraycopy(buffer, 0, threads, 0, count);
    return threads;
  }

  private static MethodHandle getThreads() {
    try {
      return MethodHandles.privateLookupIn(Thread.class, MethodHandles.lookup())
          .findStatic(Thread.class, "getThreads", MethodType.methodType(Thread[].class));
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;
    }
  }
}
