package dev.stallwatch.bootstrap;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The semaphore permits one thread holds, newest last: parallel arrays written only by the owning thread, so that an
 * acquire or a release costs a few array stores and no lock, no allocation, no global map. The watchdog reads them
 * without locking (entries below {@link #size()} are published with release semantics) and tolerates a torn read by
 * reporting a leak only when it saw the same entry on two scans.
 *
 * <p>Permits are not owned: when another thread's release balances one of these, the watchdog posts a
 * {@link StallwatchPermitCancellation}, which the owner applies on its next permit call (or the watchdog itself, once
 * the owner has terminated). A cancellation that finds its entry gone or smaller (the owner released it itself after
 * the scan read it) hands the rest back as a foreign release, so that it balances the permit it really returned.
 */
public final class StallwatchPermitLedger {
  /** A thread holding more than this many acquisitions at once stops being tracked beyond it (never a false leak). */
  public static final int MAX_ENTRIES = 4096;
  /** The site of permits taken away by {@code Semaphore.reducePermits}: owned by nobody, never a leak. */
  public static final int SITE_REDUCED = -1;

  private static final VarHandle SIZE;

  static {
    try {
      SIZE = MethodHandles.lookup().findVarHandle(StallwatchPermitLedger.class, "size", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private Object[] semaphores = new Object[4];
  private int[] permits = new int[4];
  private int[] sites = new int[4];
  private long[] sinceMillis = new long[4];
  private long[] ids = new long[4];
  @SuppressWarnings("unused") // accessed through SIZE
  private int size;
  private long nextId;

  /** What other threads' releases balanced, posted by the watchdog, applied by the owner (or withdrawn). */
  final ConcurrentLinkedQueue<StallwatchPermitCancellation> cancellations = new ConcurrentLinkedQueue<>();
  /**
   * Set by the watchdog after it posts a cancellation, cleared by the owner before it drains them: one plain volatile
   * read on every permit call instead of looking into the queue.
   */
  private volatile boolean cancellationsPosted;

  /** Owner only: records {@code count} permits of {@code semaphore} taken at call site {@code site}. */
  void add(Object semaphore, int count, int site, long nowMillis) {
    applyCancellations();
    int n = (int) SIZE.getOpaque(this);
    if (n == MAX_ENTRIES) {
      StallwatchHealth.untrackedPermits.incrementAndGet();
      return;
    }
    if (n == semaphores.length) {
      grow();
    }
    semaphores[n] = semaphore;
    permits[n] = count;
    sites[n] = site;
    sinceMillis[n] = nowMillis;
    ids[n] = ++nextId;
    SIZE.setRelease(this, n + 1);
  }

  /**
   * Owner only: balances {@code count} released permits against this thread's own acquisitions of
   * {@code semaphore}, newest first. Returns how many permits it held none for (another thread's, or a signal).
   */
  int release(Object semaphore, int count) {
    applyCancellations();
    int n = (int) SIZE.getOpaque(this);
    for (int i = n - 1; i >= 0 && count > 0; i--) {
      if (semaphores[i] == semaphore) {
        int taken = Math.min(count, permits[i]);
        permits[i] -= taken;
        count -= taken;
        if (permits[i] == 0) {
          removeAt(i, n);
          n--;
        }
      }
    }
    return count;
  }

  private void removeAt(int i, int n) {
    int last = n - 1;
    if (i < last) {
      // Shift rather than swap, so the array stays in acquisition order (oldest first) for the watchdog. Skipped for
      // the newest entry, the usual case (acquire, work, release): five empty copies cost more than the accounting.
      System.arraycopy(semaphores, i + 1, semaphores, i, last - i);
      System.arraycopy(permits, i + 1, permits, i, last - i);
      System.arraycopy(sites, i + 1, sites, i, last - i);
      System.arraycopy(sinceMillis, i + 1, sinceMillis, i, last - i);
      System.arraycopy(ids, i + 1, ids, i, last - i);
    }
    semaphores[last] = null;
    SIZE.setRelease(this, last);
  }

  private void grow() {
    int capacity = Math.min(semaphores.length * 2, MAX_ENTRIES);
    semaphores = java.util.Arrays.copyOf(semaphores, capacity);
    permits = java.util.Arrays.copyOf(permits, capacity);
    sites = java.util.Arrays.copyOf(sites, capacity);
    sinceMillis = java.util.Arrays.copyOf(sinceMillis, capacity);
    ids = java.util.Arrays.copyOf(ids, capacity);
  }

  /** Applies the watchdog's cancellations; the owner calls it on each permit call, the watchdog once it has died. */
  public void applyCancellations() {
    if (!cancellationsPosted) {
      return;
    }
    cancellationsPosted = false;
    StallwatchPermitCancellation cancellation;
    while ((cancellation = cancellations.poll()) != null) {
      int rest = cancellation.permits;
      int n = (int) SIZE.getOpaque(this);
      for (int i = 0; i < n; i++) {
        if (ids[i] == cancellation.id) {
          int taken = Math.min(rest, permits[i]);
          permits[i] -= taken;
          rest -= taken;
          if (permits[i] == 0) {
            removeAt(i, n);
          }
          break;
        }
      }
      if (rest > 0) {
        // The entry was released by its owner after the scan that matched it: the release balances another permit.
        StallwatchPermits.foreignRelease(cancellation.semaphore, rest);
      }
      cancellation.done = true;
    }
  }

  /** Watchdog: posts that another thread's release balanced some permits of one of this ledger's entries. */
  public void cancel(StallwatchPermitCancellation cancellation) {
    cancellations.add(cancellation);
    cancellationsPosted = true;
  }

  /**
   * Watchdog: takes back a cancellation its owner has not picked up (its entry is gone, so it never would): true when
   * it was still queued, and only then are its permits the watchdog's to balance elsewhere.
   */
  public boolean withdraw(StallwatchPermitCancellation cancellation) {
    return cancellations.remove(cancellation);
  }

  // ---- reads for the watchdog: entries [0, size()), possibly torn, see the class comment.

  public int size() {
    return (int) SIZE.getAcquire(this);
  }

  /** Copies entry {@code i} into {@code out}; false when it vanished meanwhile. */
  public boolean read(int i, Entry out) {
    Object[] s = semaphores;
    int[] p = permits;
    int[] st = sites;
    long[] since = sinceMillis;
    long[] id = ids;
    if (i >= s.length || i >= p.length || i >= st.length || i >= since.length || i >= id.length) {
      return false;
    }
    out.semaphore = s[i];
    out.permits = p[i];
    out.site = st[i];
    out.sinceMillis = since[i];
    out.id = id[i];
    return out.semaphore != null && out.permits > 0;
  }

  /** A watchdog-side copy of one entry. */
  public static final class Entry {
    public Object semaphore;
    public int permits;
    public int site;
    public long sinceMillis;
    public long id;
  }
}
