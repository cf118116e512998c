package dev.stallwatch.instrumentation;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Numbers every rewritten Semaphore and Lock call site ({@link CallSiteRewriter}), so that a permit or a lock wait
 * carries the code that asked for it as one int. Filled while classes load, read when a leak or a wait is reported.
 */
public final class CallSites {
  private final List<String> descriptions = new ArrayList<>();
  private final Map<String, Integer> ids = new HashMap<>();

  /** The id of the call site described as a stack frame, {@code com.acme.Pool.take(Pool.java:42)}. */
  public synchronized int register(String frame) {
    Integer id = ids.get(frame);
    if (id == null) {
      id = descriptions.size();
      descriptions.add(frame);
      ids.put(frame, id);
    }
    return id;
  }

  /** The frame of call site {@code id}, or a placeholder for ids this table never gave out. */
  public synchronized String describe(int id) {
    return id >= 0 && id < descriptions.size() ? descriptions.get(id) : "(unknown call site)";
  }

  public synchronized int size() {
    return descriptions.size();
  }
}
