package dev.stallwatch.report;

import dev.stallwatch.bootstrap.StallwatchPlatformClasses;
import java.util.ArrayList;
import java.util.List;

/** Stacks as detections carry them: {@link StackTraceElement#toString()} strings, innermost first. */
public final class Stacks {
  private Stacks() {}

  public static List<String> toStrings(StackTraceElement[] frames) {
    List<String> out = new ArrayList<>(frames.length);
    for (StackTraceElement frame : frames) {
      out.add(frame.toString());
    }
    return out;
  }

  /**
   * The innermost frame of the application rather than of the JDK or a {@code javax} API, the one a person looks at
   * first; the innermost frame when every frame is the JDK's, or null for an empty stack.
   */
  public static String keyFrame(List<String> stack) {
    for (String frame : stack) {
      if (!isPlatformFrame(frame)) {
        return frame;
      }
    }
    return stack.isEmpty() ? null : stack.get(0);
  }

  private static boolean isPlatformFrame(String frame) {
    // "java.base/java.util.concurrent..." carries the module first; the class name follows the slash.
    int paren = frame.indexOf('(');
    String className = frame.substring(frame.lastIndexOf('/', paren < 0 ? frame.length() : paren) + 1);
    // Every javax. frame is skipped too, unlike for a lock's site: see StallwatchPlatformClasses.
    return StallwatchPlatformClasses.isPlatformOrJavaxClass(className);
  }
}
