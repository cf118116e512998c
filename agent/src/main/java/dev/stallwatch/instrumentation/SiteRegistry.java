package dev.stallwatch.instrumentation;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Numbers instrumented methods. Each instrumented method carries its number as a constant in its advice, so a call
 * finds what the agent knows about it with one array read. Registration happens while classes are transformed
 * (rarely, under a lock); lookups read a copy-on-write array and take no lock.
 *
 * @param <T> what is known about one site
 */
public final class SiteRegistry<T> {
  private final Map<String, Integer> ids = new HashMap<>();
  private volatile Object[] byId = new Object[0];

  /** The number of the site named {@code key}, registering {@code create.get()} for it on first sight. */
  public synchronized int idFor(String key, Supplier<T> create) {
    Integer existing = ids.get(key);
    if (existing != null) {
      return existing;
    }
    Object[] current = byId;
    Object[] next = Arrays.copyOf(current, current.length + 1);
    next[current.length] = create.get();
    byId = next;
    ids.put(key, current.length);
    return current.length;
  }

  /** The site numbered {@code id}, or null for a number this registry never gave. */
  @SuppressWarnings("unchecked")
  public T get(int id) {
    Object[] sites = byId;
    return id >= 0 && id < sites.length ? (T) sites[id] : null;
  }
}
