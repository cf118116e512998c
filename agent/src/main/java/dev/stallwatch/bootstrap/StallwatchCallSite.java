package dev.stallwatch.bootstrap;

/**
 * Names the application code that called into the JDK. Deliberately plain (no lambdas, no streams): it runs inside
 * lock slow paths, where linking a lambda could itself take a lock and re-enter the hooks.
 */
public final class StallwatchCallSite {
  private StallwatchCallSite() {}

  /** The innermost frame outside the JDK, as {@code StackTraceElement.toString()}, or null when there is none. */
  public static String firstApplicationFrame() {
    StackTraceElement[] frames = Thread.currentThread().getStackTrace();
    for (StackTraceElement frame : frames) {
      if (!isPlatformClass(frame.getClassName())) {
        return frame.toString();
      }
    }
    return null;
  }

  static boolean isPlatformClass(String className) {
    return className.startsWith("java.") || className.startsWith("jdk.") || className.startsWith("sun.")
        || className.startsWith("com.sun.");
  }
}
