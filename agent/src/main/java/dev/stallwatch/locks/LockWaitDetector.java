package dev.stallwatch.locks;

import dev.stallwatch.bootstrap.StallwatchThreadState;
import dev.stallwatch.config.Durations;
import dev.stallwatch.permits.HeldPermit;
import dev.stallwatch.permits.PermitBook;
import dev.stallwatch.report.Detection;
import dev.stallwatch.report.DetectionKind;
import dev.stallwatch.report.Detections;
import dev.stallwatch.report.LockNames;
import dev.stallwatch.report.SiteRateLimiter;
import dev.stallwatch.report.Stacks;
import dev.stallwatch.report.ThreadDescriptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Semaphore;

/**
 * Reports threads waiting longer than {@code stallwatch.lock.wait.threshold} for a java.util.concurrent lock or a
 * permit, while they still wait, with their live stack and whoever holds what they wait for. Also reports the
 * deadlock no JVM tool sees: a thread waiting for a semaphore permit while it holds every permit taken from it.
 */
final class LockWaitDetector {
  /** A semaphore self-wait shorter than this may still be a thread about to be helped by a foreign release. */
  private static final long SELF_DEADLOCK_MIN_MILLIS = 200;

  private final Detections detections;
  private final long thresholdMillis;
  private final SiteRateLimiter rateLimiter = new SiteRateLimiter(10_000);
  private final Set<String> selfDeadlocksReported = new LinkedHashSet<>();
  private Set<StallwatchThreadState> selfDeadlockedStates = Set.of();
  /** Waits reported and not yet over, to say once when they are. */
  private final Map<StallwatchThreadState, Reported> reported = new java.util.HashMap<>();

  private record Reported(Object lock, long sequence, long sinceMillis, String what, String site, Detection report) {}

  LockWaitDetector(Detections detections, Duration threshold) {
    this.detections = detections;
    this.thresholdMillis = threshold.toMillis();
  }

  void check(ThreadSnapshot snapshot, PermitBook permits, long nowMillis, java.util.function.IntFunction<String> site) {
    Set<String> stillSelfDeadlocked = new LinkedHashSet<>();
    Set<StallwatchThreadState> selfDeadlockedNow = new java.util.HashSet<>();
    for (StallwatchThreadState state : snapshot.waiting) {
      Object lock = state.waitingOn;
      Thread waiter = state.thread.get();
      if (lock == null || waiter == null) {
        continue;
      }
      long waited = nowMillis - state.waitSinceMillis;
      long sequence = state.waitSequence;
      Semaphore semaphore = semaphoreFor(lock, permits);
      List<HeldPermit> holders = semaphore == null ? List.of() : permits.heldOf(semaphore);

      if (semaphore != null && waited >= SELF_DEADLOCK_MIN_MILLIS && !holders.isEmpty()
          && holders.stream().allMatch(h -> h.owner() == state) && semaphore.availablePermits() == 0) {
        String key = System.identityHashCode(state) + ":" + sequence;
        stillSelfDeadlocked.add(key);
        selfDeadlockedNow.add(state);
        if (selfDeadlocksReported.add(key)) {
          reportSelfDeadlock(waiter, semaphore, holders, site);
        }
        continue;
      }
      if (waited < thresholdMillis || state.reportedWaitSequence == sequence) {
        continue;
      }
      if (semaphore == null && isSemaphore(lock)) {
        // No thread holds a permit of it: the waiter waits for a release that signals work (an idle pool thread,
        // as in Jetty's ReservedThreadExecutor, or a Semaphore(0) used as a latch), not for a holder to finish.
        continue;
      }
      Thread.State threadState = waiter.getState();
      if (threadState != Thread.State.WAITING && threadState != Thread.State.TIMED_WAITING) {
        continue; // not parked: spinning just before parking, or a wait whose end the hooks did not see
      }
      if (semaphore == null && LockOwners.isFree(lock)) {
        continue; // handed the lock, or about to retry, and not yet running: look again next scan
      }
      if (waitsOnItself(waiter, lock, snapshot)) {
        continue; // a deadlock cycle: the deadlock detector reports it, once, with every thread in it
      }
      List<String> stack = Stacks.toStrings(waiter.getStackTrace());
      if (state.waitingOn != lock || state.waitSequence != sequence) {
        continue; // the wait ended while the stack was taken
      }
      state.reportedWaitSequence = sequence;
      String keyFrame = Stacks.keyFrame(stack);
      long suppressed = rateLimiter.admit(keyFrame == null ? "?" : keyFrame, nowMillis);
      if (suppressed < 0) {
        continue;
      }
      Detection report = lockWait(waiter, state, lock, semaphore, holders, waited, stack, suppressed, site)
          .onSpan(detections.spanOf(waiter, nowMillis - waited));
      detections.report(report);
      reported.put(state, new Reported(lock, sequence, nowMillis - waited, what(state, lock, semaphore),
          keyFrame == null ? "?" : keyFrame, report));
    }
    reportEnded(nowMillis);
    selfDeadlocksReported.retainAll(stillSelfDeadlocked);
    selfDeadlockedStates = selfDeadlockedNow;
  }

  /** A reported wait is over once its thread waits for nothing else or has begun another wait. */
  private void reportEnded(long nowMillis) {
    for (var it = reported.entrySet().iterator(); it.hasNext(); ) {
      var entry = it.next();
      StallwatchThreadState state = entry.getKey();
      Reported r = entry.getValue();
      if (state.waitingOn == r.lock() && state.waitSequence == r.sequence() && state.thread.get() != null) {
        continue;
      }
      it.remove();
      detections.report(LockWaitEnded.of(r.report(), r.what(), nowMillis - r.sinceMillis(),
          rateLimiter.takeSuppressed(r.site())));
    }
  }

  private static String what(StallwatchThreadState state, Object lock, Semaphore semaphore) {
    Object shown = semaphore != null ? semaphore : lock;
    return ("for " + LockNames.acquisition(shown, state.waitKind) + " " + LockNames.identity(shown))
        .replace("  ", " ");
  }

  /**
   * Whether following "the owner of the lock I wait for waits for a lock owned by ..." leads back to
   * {@code waiter}: then this is a deadlock, not a long wait.
   */
  private static boolean waitsOnItself(Thread waiter, Object lock, ThreadSnapshot snapshot) {
    Object current = lock;
    for (int hops = 0; hops < 16 && current != null; hops++) {
      Thread owner = LockOwners.exclusiveOwner(current);
      if (owner == null) {
        return false;
      }
      if (owner == waiter) {
        return true;
      }
      current = null;
      for (StallwatchThreadState other : snapshot.waiting) {
        if (other.thread.get() == owner) {
          current = other.waitingOn;
        }
      }
    }
    return false;
  }

  /** Threads found waiting on a semaphore whose permits they hold themselves, as of the last check. */
  Set<StallwatchThreadState> selfDeadlocked() {
    return selfDeadlockedStates;
  }

  private static boolean isSemaphore(Object synchronizer) {
    return synchronizer.getClass().getName().startsWith("java.util.concurrent.Semaphore$");
  }

  private static Semaphore semaphoreFor(Object synchronizer, PermitBook permits) {
    for (HeldPermit p : permits.held()) {
      if (p.semaphore() instanceof Semaphore s && LockOwners.synchronizerOf(s) == synchronizer) {
        return s;
      }
    }
    return null;
  }

  private Detection lockWait(Thread waiter, StallwatchThreadState state, Object lock, Semaphore semaphore,
      List<HeldPermit> holders, long waited, List<String> stack, long suppressed,
      java.util.function.IntFunction<String> site) {
    Object shown = semaphore != null ? semaphore : lock;
    String what = (LockNames.acquisition(shown, state.waitKind) + " " + LockNames.identity(shown)).trim();
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("lock", LockNames.identity(shown));
    details.put("lockClass", LockNames.lockClass(shown.getClass()));
    details.put("phase", "waiting");
    details.put("waitedMillis", waited);
    details.put("thresholdMillis", thresholdMillis);
    StringBuilder message = new StringBuilder("Thread \"").append(waiter.getName()).append("\" has waited ")
        .append(Durations.format(Duration.ofMillis(waited))).append(" for ").append(what);
    Thread owner = LockOwners.exclusiveOwner(lock);
    if (owner != null) {
      details.put("owner", ThreadDescriptions.describe(owner, owner.getName()));
      details.put("ownerTerminated", !owner.isAlive());
      message.append(", held by ").append(ThreadDescriptions.inWords(owner, owner.getName()));
      if (!owner.isAlive()) {
        message.append(": it was never unlocked, so this wait can never end");
      }
    } else if (semaphore != null) {
      List<Object> holderDetails = new ArrayList<>();
      for (HeldPermit h : holders) {
        Map<String, Object> d = ThreadDescriptions.describe(h.thread(), h.holderName());
        d.put("permits", h.permits());
        d.put("acquiredAt", site.apply(h.site()));
        d.put("heldMillis", System.currentTimeMillis() - h.sinceMillis());
        holderDetails.add(d);
      }
      details.put("availablePermits", semaphore.availablePermits());
      details.put("holders", holderDetails);
      if (!holders.isEmpty()) {
        HeldPermit oldest = holders.get(0);
        message.append("; the oldest permit out is held by ")
            .append(ThreadDescriptions.inWords(oldest.holderAlive() ? oldest.thread() : null, oldest.holderName()))
            .append(", taken at ").append(site.apply(oldest.site()));
      }
    } else {
      message.append("; its owner is not known");
    }
    message.append('.');
    HeldBackWaits.note(message, details, suppressed, false);
    return Detection.of(DetectionKind.LOCK_WAIT, waiter.getName(), message.toString(), stack, details);
  }

  private void reportSelfDeadlock(Thread waiter, Semaphore semaphore, List<HeldPermit> holders,
      java.util.function.IntFunction<String> site) {
    int held = holders.stream().mapToInt(HeldPermit::permits).sum();
    List<String> stack = Stacks.toStrings(waiter.getStackTrace());
    Map<String, Object> thread = new LinkedHashMap<>();
    thread.put("name", waiter.getName());
    thread.put("state", waiter.getState().name());
    thread.put("waitingFor", LockNames.identity(semaphore));
    thread.put("waitingForOwner", waiter.getName());
    List<String> heldAt = new ArrayList<>();
    for (HeldPermit h : holders) {
      heldAt.add(LockNames.identity(semaphore) + " (" + h.permits() + " permit(s) taken at " + site.apply(h.site())
          + ")");
    }
    thread.put("holds", heldAt);
    thread.put("stack", stack);
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("threads", List.of(thread));
    details.put("semaphore", LockNames.identity(semaphore));
    details.put("heldPermits", held);
    details.put("availablePermits", semaphore.availablePermits());
    String message = "Deadlock: thread \"" + waiter.getName() + "\" waits for a permit of "
        + LockNames.identity(semaphore) + " but holds every permit out itself (" + held + ", taken at "
        + site.apply(holders.get(0).site()) + "); it is waiting for itself.";
    detections.report(Detection.of(DetectionKind.DEADLOCK, waiter.getName(), message, stack, details));
  }
}
