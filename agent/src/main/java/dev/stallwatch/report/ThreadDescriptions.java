package dev.stallwatch.report;

import java.util.LinkedHashMap;
import java.util.Map;

/** How a thread other than the reported one (a lock owner, a permit holder) appears in a detection. */
public final class ThreadDescriptions {
  private ThreadDescriptions() {}

  public static Map<String, Object> describe(Thread thread, String fallbackName) {
    Map<String, Object> d = new LinkedHashMap<>();
    if (thread == null) {
      d.put("name", fallbackName);
      d.put("state", "TERMINATED");
      d.put("alive", false);
      return d;
    }
    d.put("name", thread.getName());
    d.put("id", thread.getId());
    d.put("state", thread.getState().name());
    d.put("alive", thread.isAlive());
    if (thread.isAlive()) {
      d.put("stack", Stacks.toStrings(thread.getStackTrace()));
    }
    return d;
  }

  /** {@code thread "name" (RUNNABLE)} or {@code thread "name", which has terminated}. */
  public static String inWords(Thread thread, String fallbackName) {
    if (thread == null || !thread.isAlive()) {
      return "thread \"" + (thread == null ? fallbackName : thread.getName()) + "\", which has terminated";
    }
    return "thread \"" + thread.getName() + "\" (" + thread.getState() + ")";
  }
}
