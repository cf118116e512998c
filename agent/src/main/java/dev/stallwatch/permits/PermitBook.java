package dev.stallwatch.permits;

import dev.stallwatch.bootstrap.StallwatchPermitCancellation;
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
 *
 * <p>A balance is posted to the owner's ledger as a {@link StallwatchPermitCancellation} and counted here until the
 * owner applied it. Whether it did is read in {@link #beforeScan}, before the scan reads the ledgers: a
 * cancellation seen done then is in what the next scan reads; one not yet done is subtracted again, which can only
 * undercount for one scan (a leak reported a scan later), never keep a returned permit out. A cancellation whose
 * entry has left the ledger while still queued (the owner released that acquisition itself after the scan that
 * matched it) is withdrawn and its permits banked again, so that they balance the permit the release really
 * returned; one the owner took first comes back the same way, as a foreign release.
 */
public final class PermitBook {
  /** Releases not yet matched to a permit, per semaphore (weakly: a dropped semaphore takes its bank with it). */
  private final Map<Object, long[]> bank = new WeakHashMap<>();
  /** Cancellations posted and not yet seen done, by the acquisition they balance. */
  private final Map<HeldPermit.Key, List<StallwatchPermitCancellation>> pending = new HashMap<>();
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
      int remaining = p.permits() - notYetApplied(pending.get(p.key()));
      if (remaining > 0) {
        effective.add(new HeldPermit(p.owner(), p.thread(), p.id(), p.semaphore(), remaining, p.site(),
            p.sinceMillis()));
      }
    }
    withdrawOrphans(present);

    for (StallwatchPermits.Release r = StallwatchPermits.pollForeignRelease(); r != null;
        r = StallwatchPermits.pollForeignRelease()) {
      bank(r.semaphore, r.permits);
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
      StallwatchPermitCancellation c = new StallwatchPermitCancellation(p.semaphore(), p.id(), cancel);
      pending.computeIfAbsent(p.key(), k -> new ArrayList<>(1)).add(c);
      p.owner().permits.cancel(c);
      if (p.permits() > cancel) {
        out.add(new HeldPermit(p.owner(), p.thread(), p.id(), p.semaphore(), p.permits() - cancel, p.site(),
            p.sinceMillis()));
      }
    }
    held = out;
  }

  /**
   * Forgets the cancellations their owners have applied. Call it before the scan whose entries go to the next
   * {@link #update}: a cancellation done by now is in what that scan reads.
   */
  public void beforeScan() {
    pending.values().removeIf(list -> {
      list.removeIf(c -> c.done);
      return list.isEmpty();
    });
  }

  private static int notYetApplied(List<StallwatchPermitCancellation> cancellations) {
    int sum = 0;
    if (cancellations != null) {
      for (StallwatchPermitCancellation c : cancellations) {
        sum += c.permits;
      }
    }
    return sum;
  }

  /**
   * Cancellations whose acquisition is gone from its ledger: either the owner applied them (then it set, or is about
   * to set, done) or it released that acquisition itself and never will; those still queued are taken back and their
   * permits banked again.
   */
  private void withdrawOrphans(Set<HeldPermit.Key> present) {
    for (Map.Entry<HeldPermit.Key, List<StallwatchPermitCancellation>> e : pending.entrySet()) {
      if (present.contains(e.getKey())) {
        continue;
      }
      e.getValue().removeIf(c -> {
        if (e.getKey().owner().permits.withdraw(c)) {
          bank(c.semaphore, c.permits);
          return true;
        }
        return false; // the owner has it: applied, or handed back as a foreign release
      });
    }
  }

  private void bank(Object semaphore, long permits) {
    bank.computeIfAbsent(semaphore, s -> new long[1])[0] += permits;
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
