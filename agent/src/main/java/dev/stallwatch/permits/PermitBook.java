package dev.stallwatch.permits;

import dev.stallwatch.bootstrap.StallwatchPermits;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;

/**
 * The watchdog's view of every permit out: the threads' ledgers as of this scan, minus the permits other threads
 * released for them. Permits are not owned, so a release by a thread that held none balances the oldest permit of
 * that semaphore still out; a release that finds none (a semaphore used as a signal) is banked and balances the next
 * one. Watchdog thread only.
 */
public final class PermitBook {
  /** Releases not yet matched to a permit, per semaphore (weakly: a dropped semaphore takes its bank with it). */
  private final Map<Object, long[]> bank = new WeakHashMap<>();
  /**
   * Permits of an acquisition balanced by other threads, until its owner has applied the cancellations: {what its
   * ledger showed when they were posted, permits balanced}. Applied once the ledger shows fewer, since an owner
   * applies posted cancellations before it changes its ledger itself (only a release of its own already under way
   * when one was posted comes first; then the entry reads too high until the owner's next permit call).
   */
  private final Map<HeldPermit.Key, int[]> balanced = new HashMap<>();
  private List<HeldPermit> held = List.of();
  private Map<HeldPermit.Key, Long> previousSince = Map.of();

  /** Takes this scan's raw entries (before balancing) and applies every release queued since the last scan. */
  public void update(List<HeldPermit> raw) {
    previousSince = new HashMap<>();
    for (HeldPermit p : held) {
      previousSince.put(p.key(), p.sinceMillis());
    }
    Set<HeldPermit.Key> present = new HashSet<>();
    List<HeldPermit> effective = new ArrayList<>();
    for (HeldPermit p : raw) {
      present.add(p.key());
      int[] b = balanced.get(p.key());
      if (b != null && p.permits() < b[0]) {
        balanced.remove(p.key()); // the owner applied them: its ledger no longer counts those permits
        b = null;
      }
      int remaining = p.permits() - (b == null ? 0 : b[1]);
      if (remaining > 0) {
        effective.add(new HeldPermit(p.owner(), p.thread(), p.id(), p.semaphore(), remaining, p.site(),
            p.sinceMillis()));
      }
    }
    balanced.keySet().retainAll(present);

    for (StallwatchPermits.Release r = StallwatchPermits.pollForeignRelease(); r != null;
        r = StallwatchPermits.pollForeignRelease()) {
      bank.computeIfAbsent(r.semaphore, s -> new long[1])[0] += r.permits;
    }
    effective.sort(Comparator.comparingLong(HeldPermit::sinceMillis).thenComparingLong(HeldPermit::id));
    List<HeldPermit> out = new ArrayList<>(effective.size());
    for (HeldPermit p : effective) {
      long[] banked = bank.get(p.semaphore());
      if (banked == null || banked[0] == 0) {
        out.add(p);
        continue;
      }
      int cancel = (int) Math.min(banked[0], p.permits());
      banked[0] -= cancel;
      int[] b = balanced.computeIfAbsent(p.key(), k -> new int[2]);
      b[0] = p.permits() + b[1]; // what the owner's ledger shows now
      b[1] += cancel;
      p.owner().permits.cancel(p.id(), cancel);
      if (p.permits() > cancel) {
        out.add(new HeldPermit(p.owner(), p.thread(), p.id(), p.semaphore(), p.permits() - cancel, p.site(),
            p.sinceMillis()));
      }
    }
    held = out;
  }

  /** Every permit out after balancing, oldest first. */
  public List<HeldPermit> held() {
    return held;
  }

  /** Whether the same acquisition, with the same start, was out on the previous scan as well. */
  boolean seenBefore(HeldPermit p) {
    Long since = previousSince.get(p.key());
    return since != null && since == p.sinceMillis();
  }

  /** Permits of {@code semaphore} out, by acquisition. */
  public List<HeldPermit> heldOf(Object semaphore) {
    List<HeldPermit> out = new ArrayList<>();
    for (HeldPermit p : held) {
      if (p.semaphore() == semaphore) {
        out.add(p);
      }
    }
    return out;
  }
}
