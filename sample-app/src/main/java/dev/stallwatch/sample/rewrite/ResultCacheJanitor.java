package dev.stallwatch.sample.rewrite;

import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.springframework.stereotype.Component;

/**
 * Archives and drops the cached results of sessions that went away without a close callback (a client whose network
 * dropped), every {@code rewrite.cache-janitor-interval}, on a thread of its own.
 */
@Component
public class ResultCacheJanitor implements AutoCloseable {
  private final ResultCache cache;
  private final SessionRegistry sessions;
  private final ResultArchive archive;
  private final RewriteSettings settings;
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(task -> {
    Thread t = new Thread(task, "result-cache-janitor");
    t.setDaemon(true);
    return t;
  });

  public ResultCacheJanitor(ResultCache cache, SessionRegistry sessions, ResultArchive archive,
      RewriteSettings settings) {
    this.cache = cache;
    this.sessions = sessions;
    this.archive = archive;
    this.settings = settings;
    long every = settings.cacheJanitorInterval().toMillis();
    timer.scheduleWithFixedDelay(this::sweep, every, every, TimeUnit.MILLISECONDS);
  }

  void sweep() {
    if (settings.faulty(Fault.LOCK_ORDER_DEADLOCK)) {
      // The bug as it shipped: the registry is asked while the cache is locked, the opposite of the order a closing
      // session takes the two locks in (SessionRegistry.close).
      cache.removeWhileLocked(id -> !sessions.isOpen(id), archive::write);
      return;
    }
    List<String> gone = cache.sessionIds().stream().filter(id -> !sessions.isOpen(id)).toList();
    for (Map.Entry<String, Map<String, String>> e : cache.remove(gone).entrySet()) {
      archive.write(e.getKey(), e.getValue());
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
