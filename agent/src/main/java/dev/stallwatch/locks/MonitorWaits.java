package dev.stallwatch.locks;

import dev.stallwatch.config.Durations;
import dev.stallwatch.report.Detection;
import dev.stallwatch.report.DetectionKind;
import dev.stallwatch.report.Detections;
import dev.stallwatch.report.LockNames;
import dev.stallwatch.report.SiteRateLimiter;
import dev.stallwatch.report.Stacks;
import dev.stallwatch.report.ThreadDescriptions;
import java.lang.management.LockInfo;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Waits to enter a {@code synchronized} block or method, seen while they last: the watchdog lists the platform
 * threads ({@link PlatformThreads}) a few times a second and reads each one's state, a field read. Only for a thread
 * that is BLOCKED does it ask the JVM which monitor and which owner ({@link ThreadMXBean#getThreadInfo(long[], int)}
 * with no stack: HotSpot answers that without a safepoint). Stacks are taken only when a wait passes the threshold.
 * So a holder stuck forever in an un-timed call is reported within one scan of the threshold, from the first scan
 * after start-up, with the waiter's live stack and the owner's name, state and live stack; when the wait finally ends,
 * that is said once ({@code phase: "ended"}).
 *
 * <p>One wait is one BLOCKED episode: the same thread, the same monitor and the same {@link ThreadInfo#getBlockedCount()
 * blocked count} (the JVM counts every contended entry), so two short waits between scans are never mistaken for one
 * long one. Its start is the first scan that saw it, so a reported duration is short by at most one scan interval.
 * A thread re-entering its monitor after {@code Object.wait} is BLOCKED only for that re-entry, and is timed from it.
 *
 * <p>Not seen here: waits of virtual threads, which the JVM does not list as threads (see
 * {@link MonitorContention}, which reports those when they end), and carrier threads of virtual threads, whose own
 * stack would not say where the virtual thread waits. A wait that is part of a deadlock cycle is left to
 * {@link DeadlockDetector}, which reports the cycle once.
 */
public final class MonitorWaits implements Runnable {
  private static final String CARRIER_THREAD_CLASS = "jdk.internal.misc.CarrierThread";
  private static final int MAX_OWNER_HOPS = 16;

  private final PlatformThreads platformThreads = new PlatformThreads();
  private final ClassLoader agentLoader = MonitorWaits.class.getClassLoader();
  private final Detections detections;
  private final long thresholdMillis;
  private final SiteRateLimiter rateLimiter = new SiteRateLimiter(10_000);
  private final Runnable onVirtualThreadsSeen;
  private final Map<Long, Wait> waits = new HashMap<>();
  private boolean virtualThreadsSeen;
  private long scan;

  /**
   * @param onVirtualThreadsSeen run once, on the watchdog thread, the first time a carrier thread of virtual threads
   *     exists: the program has started using virtual threads
   */
  public MonitorWaits(Detections detections, Duration threshold, Runnable onVirtualThreadsSeen) {
    this.detections = detections;
    this.thresholdMillis = threshold.toMillis();
    this.onVirtualThreadsSeen = onVirtualThreadsSeen;
  }

  /** One blocked episode of one thread on one monitor. */
  private static final class Wait {
    final long blockedCount;
    final int lockIdentity;
    final String lock;
    final long sinceMillis;
    long seenInScan;
    /** Reported as a lock wait; its "ended" report follows. */
    Detection reported;
    /** Decided not to report (part of a deadlock, or held back by the rate limit). */
    boolean settled;
    String site;

    Wait(long blockedCount, LockInfo lock, long sinceMillis) {
      this.blockedCount = blockedCount;
      this.lockIdentity = lock.getIdentityHashCode();
      this.lock = LockNames.lockClass(lock.getClassName()) + "@" + Integer.toHexString(lock.getIdentityHashCode());
      this.sinceMillis = sinceMillis;
    }

    boolean sameEpisode(ThreadInfo info) {
      return info.getBlockedCount() == blockedCount && info.getLockInfo().getIdentityHashCode() == lockIdentity;
    }
  }

  @Override
  public void run() {
    long now = System.currentTimeMillis();
    scan++;
    Thread[] threads = platformThreads.list();
    long[] blocked = new long[8];
    int count = 0;
    for (Thread thread : threads) {
      if (thread == null) {
        continue;
      }
      if (!virtualThreadsSeen && isCarrier(thread)) {
        virtualThreadsSeen = true;
        onVirtualThreadsSeen.run();
      }
      if (thread.getState() != Thread.State.BLOCKED || isCarrier(thread) || isAgentThread(thread)) {
        continue;
      }
      if (count == blocked.length) {
        blocked = java.util.Arrays.copyOf(blocked, count * 2);
      }
      blocked[count++] = thread.getId();
    }
    if (count > 0) {
      ThreadInfo[] infos = ThreadBean.get().getThreadInfo(java.util.Arrays.copyOf(blocked, count), 0);
      for (ThreadInfo info : infos) {
        if (info != null && info.getThreadState() == Thread.State.BLOCKED && info.getLockInfo() != null) {
          observe(info, threads, now);
        }
      }
    }
    for (Iterator<Map.Entry<Long, Wait>> it = waits.entrySet().iterator(); it.hasNext(); ) {
      Wait wait = it.next().getValue();
      if (wait.seenInScan != scan) {
        it.remove();
        ended(wait, now);
      }
    }
  }

  private void observe(ThreadInfo info, Thread[] threads, long now) {
    Wait wait = waits.get(info.getThreadId());
    if (wait == null || !wait.sameEpisode(info)) {
      if (wait != null) {
        ended(wait, now);
      }
      wait = new Wait(info.getBlockedCount(), info.getLockInfo(), now);
      waits.put(info.getThreadId(), wait);
    }
    wait.seenInScan = scan;
    if (wait.reported != null || wait.settled || now - wait.sinceMillis < thresholdMillis) {
      return;
    }
    Thread waiter = find(threads, info.getThreadId());
    if (waiter == null || info.getLockOwnerId() <= 0 && info.getLockOwnerName() == null) {
      return; // no owner: the monitor was just released and the waiter not yet run; look again next scan
    }
    if (waitsOnItself(info)) {
      wait.settled = true; // a deadlock cycle: DeadlockDetector reports it, once, with every thread in it
      return;
    }
    List<String> stack = Stacks.toStrings(waiter.getStackTrace());
    ThreadInfo after = ThreadBean.get().getThreadInfo(info.getThreadId(), 0);
    if (after == null || after.getThreadState() != Thread.State.BLOCKED || after.getLockInfo() == null
        || !wait.sameEpisode(after)) {
      return; // the wait ended while the stack was taken; the next scan forgets it
    }
    String keyFrame = Stacks.keyFrame(stack);
    wait.site = keyFrame == null ? wait.lock : keyFrame;
    long suppressed = rateLimiter.admit(wait.site, now);
    if (suppressed < 0) {
      wait.settled = true;
      return;
    }
    Thread owner = find(threads, info.getLockOwnerId());
    wait.reported = waiting(waiter, wait, info, owner, now - wait.sinceMillis, stack, suppressed)
        .onSpan(detections.spanOf(waiter, wait.sinceMillis));
    detections.report(wait.reported);
  }

  /**
   * Whether following "the owner of the monitor I wait for waits for a lock owned by ..." leads back to the waiter.
   * The JVM names the owner of monitors and of ownable java.util.concurrent locks alike, so mixed cycles count too.
   */
  private boolean waitsOnItself(ThreadInfo waiter) {
    long ownerId = waiter.getLockOwnerId();
    for (int hops = 0; hops < MAX_OWNER_HOPS && ownerId > 0; hops++) {
      if (ownerId == waiter.getThreadId()) {
        return true;
      }
      ThreadInfo owner = ThreadBean.get().getThreadInfo(ownerId, 0);
      ownerId = owner == null ? -1 : owner.getLockOwnerId();
    }
    return false;
  }

  private Detection waiting(Thread waiter, Wait wait, ThreadInfo info, Thread owner, long waited, List<String> stack,
      long suppressed) {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("lock", wait.lock);
    details.put("lockClass", LockNames.lockClass(info.getLockInfo().getClassName()));
    details.put("monitor", true);
    details.put("phase", "waiting");
    details.put("waitedMillis", waited);
    details.put("thresholdMillis", thresholdMillis);
    StringBuilder message = new StringBuilder("Thread \"").append(waiter.getName()).append("\" has waited ")
        .append(Durations.format(Duration.ofMillis(waited))).append(" to enter synchronized on ").append(wait.lock);
    if (owner != null) {
      details.put("owner", ThreadDescriptions.describe(owner, owner.getName()));
      details.put("ownerTerminated", !owner.isAlive());
      message.append(", held by ").append(ThreadDescriptions.inWords(owner, owner.getName()));
    } else if (info.getLockOwnerName() != null) {
      // Listed by the JVM but not as a platform thread: a virtual thread that holds the monitor while unmounted.
      Map<String, Object> d = new LinkedHashMap<>();
      d.put("name", info.getLockOwnerName());
      d.put("id", info.getLockOwnerId());
      details.put("owner", d);
      message.append(", held by thread \"").append(info.getLockOwnerName()).append('"');
    } else {
      message.append("; its owner is not known");
    }
    message.append('.');
    HeldBackWaits.note(message, details, suppressed, false);
    return Detection.of(DetectionKind.LOCK_WAIT, waiter.getName(), message.toString(), stack, details);
  }

  /** Says once that a reported wait is over, with its total, and how many like it were held back meanwhile. */
  private void ended(Wait wait, long now) {
    if (wait.reported != null) {
      detections.report(LockWaitEnded.of(wait.reported, "to enter synchronized on " + wait.lock,
          now - wait.sinceMillis, rateLimiter.takeSuppressed(wait.site)));
    }
  }

  private boolean isAgentThread(Thread thread) {
    String name = thread.getName();
    return name.startsWith("stallwatch-") || name.startsWith("JFR ") || thread.getContextClassLoader() == agentLoader;
  }

  private static boolean isCarrier(Thread thread) {
    return thread.getClass().getName().equals(CARRIER_THREAD_CLASS);
  }

  private static Thread find(Thread[] threads, long id) {
    if (id <= 0) {
      return null;
    }
    for (Thread thread : threads) {
      if (thread != null && thread.getId() == id) {
        return thread;
      }
    }
    return null;
  }
}
