package dev.stallwatch.sample.rewrite;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import org.springframework.stereotype.Component;

/**
 * Counts the blocks each client had rewritten and writes the counts to the billing store once per
 * {@code rewrite.storage.billing-flush-every} documents. Every request passes through here.
 */
@Component
public class UsageAccounting {
  private final ReentrantLock lock = new ReentrantLock();
  private final Map<String, Long> pending = new HashMap<>();
  private final BillingStore billing;
  private final RewriteSettings settings;
  private long charges;

  public UsageAccounting(BillingStore billing, RewriteSettings settings) {
    this.billing = billing;
    this.settings = settings;
  }

  public void charge(String client, int blocks) {
    Map<String, Long> batch = null;
    lock.lock();
    try {
      pending.merge(client, (long) blocks, Long::sum);
      if (++charges % settings.storage().billingFlushEvery() == 0) {
        if (settings.faulty(Fault.HOT_LOCK)) {
          // The bug as it shipped: the slow remote write happens with the lock held, and every request queues
          // behind it.
          billing.write(pending);
          pending.clear();
          return;
        }
        batch = new HashMap<>(pending);
        pending.clear();
      }
    } finally {
      lock.unlock();
    }
    if (batch != null) {
      billing.write(batch);
    }
  }
}
