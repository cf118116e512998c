package dev.stallwatch.sample.rewrite;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiConsumer;
import java.util.function.Predicate;
import org.springframework.stereotype.Component;

/**
 * Rewritten blocks per session: clients re-send the whole document on every edit, and most of its blocks have not
 * changed since the last time.
 */
@Component
public class ResultCache {
  private final ReentrantLock lock = new ReentrantLock();
  private final Map<String, Map<String, String>> bySession = new HashMap<>();

  public String lookup(String sessionId, String block) {
    lock.lock();
    try {
      Map<String, String> results = bySession.get(sessionId);
      return results == null ? null : results.get(block);
    } finally {
      lock.unlock();
    }
  }

  public void store(String sessionId, String block, String rewritten) {
    lock.lock();
    try {
      bySession.computeIfAbsent(sessionId, id -> new HashMap<>()).put(block, rewritten);
    } finally {
      lock.unlock();
    }
  }

  public void evictSession(String sessionId) {
    lock.lock();
    try {
      bySession.remove(sessionId);
    } finally {
      lock.unlock();
    }
  }

  public List<String> sessionIds() {
    lock.lock();
    try {
      return new ArrayList<>(bySession.keySet());
    } finally {
      lock.unlock();
    }
  }

  /** Removes and returns the results of the given sessions. */
  public Map<String, Map<String, String>> remove(List<String> sessionIds) {
    lock.lock();
    try {
      Map<String, Map<String, String>> removed = new HashMap<>();
      for (String id : sessionIds) {
        Map<String, String> results = bySession.remove(id);
        if (results != null) {
          removed.put(id, results);
        }
      }
      return removed;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Removes, under the cache's lock, every session {@code gone} says is gone, handing each to {@code archive} first.
   * Both callbacks run with the lock held.
   */
  public void removeWhileLocked(Predicate<String> gone, BiConsumer<String, Map<String, String>> archive) {
    lock.lock();
    try {
      bySession.entrySet().removeIf(e -> {
        if (!gone.test(e.getKey())) {
          return false;
        }
        archive.accept(e.getKey(), e.getValue());
        return true;
      });
    } finally {
      lock.unlock();
    }
  }
}
