package dev.stallwatch.bootstrap;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The semaphore permits one thread holds, newest last, written only by the owning thread, so that an acquire or a
 * release costs a few stores and no lock, no allocation, no global map. The watchdog reads them without locking
 * (entries below {@link #size()} are published with release semantics) and tolerates a torn read by reporting a leak
 * only when it saw the same entry on two scans.
 *
 * <p>Layout, chosen for the uncontended acquire/release pair, which sits between two full fences (the semaphore's own
 * compare-and-set) so that every dependent load and store of the accounting is on the critical path: one array of
 * semaphores and one array of three longs per entry ({@code site << 32 | permits}, the time, the id), so an acquire
 * is four array stores plus the size, and the usual release (the newest entry, of the same semaphore) is a compare,
 * one load and the size. On x86 the release store of the size is a plain store; it only keeps the JIT from moving
 * the entry's stores after it.
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

  /** Longs per entry in {@link #data}, and their offsets. */
  private static final int STRIDE = 3;
  private static final int COUNTS = 0;
  private static final int SINCE = 1;
  private static final int ID = 2;
  private static final long PERMITS_MASK = 0xFFFF_FFFFL;

  private static final VarHandle SIZE;

  static {
    try {
      SIZE = MethodHandles.lookup().findVarHandle(StallwatchPermitLedger.class, "size", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** The state this ledger belongs to. */
  final StallwatchThreadState state;
  /**
   * The owning thread while the ledger holds a slot of the registry's fast table (the table's identity check), else
   * null. Set before the claim's compare-and-set publishes it, cleared by the watchdog once the thread has ended.
   */
  Thread owner;

  private Object[] semaphores = new Object[4];
  /** Per entry {@code i}: {@code [3i]} = site in the high half, permits in the low half; {@code [3i+1]} = since; id. */
  private long[] data = new long[4 * STRIDE];
  /** Written by the owner only (release store), so the owner reads it plainly; the watchdog reads it with acquire. */
  private int size;
  private long nextId;

  /** What other threads' releases balanced, posted by the watchdog, applied by the owner (or withdrawn). */
  final ConcurrentLinkedQueue<StallwatchPermitCancellation> cancellations = new ConcurrentLinkedQueue<>();
  /**
   * Set by the watchdog after it posts a cancellation, cleared by the owner before it drains them: one plain load
   * (volatile, which on x86 is an ordinary load) on every permit call instead of looking into the queue.
   */
  private volatile boolean cancellationsPosted;

  StallwatchPermitLedger(StallwatchThreadState state) {
    this.state = state;
  }

  /** Owner only: records {@code count} permits of {@code semaphore} taken at call site {@code site}. */
  void add(Object semaphore, int count, int site, long nowMillis) {
    if (cancellationsPosted) {
      drainCancellations();
    }
    int n = size;
    Object[] s = semaphores;
    if (n >= s.length && !grow(n)) {
      return;
    }
    s = semaphores;
    long[] d = data;
    int k = n * STRIDE;
    s[n] = semaphore;
    d[k + COUNTS] = ((long) site << 32) | (count & PERMITS_MASK);
    d[k + SINCE] = nowMillis;
    d[k + ID] = ++nextId;
    publishSize(n + 1);
  }

  /**
   * Owner only: balances {@code count} released permits against this thread's own acquisitions of
   * {@code semaphore}, newest first. Returns how many permits it held none for (another thread's, or a signal).
   */
  int release(Object semaphore, int count) {
    if (cancellationsPosted) {
      drainCancellations();
    }
    int n = size;
    if (n > 0) {
      // The usual order (acquire, work, release): the newest entry is the one, and it is simply dropped.
      int last = n - 1;
      Object[] s = semaphores;
      if (s[last] == semaphore) {
        long[] d = data;
        int k = last * STRIDE + COUNTS;
        long counts = d[k];
        int held = (int) counts;
        if (count < held) {
          d[k] = counts - count; // permits are the low half and stay positive: the site above is untouched
          return 0;
        }
        if (count == held) {
          s[last] = null;
          publishSize(last);
          return 0;
        }
      }
    }
    return releaseAnywhere(semaphore, count, n);
  }

  private int releaseAnywhere(Object semaphore, int count, int n) {
    Object[] s = semaphores;
    long[] d = data;
    for (int i = n - 1; i >= 0 && count > 0; i--) {
      if (s[i] == semaphore) {
        int k = i * STRIDE + COUNTS;
        int held = (int) d[k];
        int taken = Math.min(count, held);
        d[k] -= taken;
        count -= taken;
        if (taken == held) {
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
      // Shift rather than swap, so the arrays stay in acquisition order (oldest first) for the watchdog.
      System.arraycopy(semaphores, i + 1, semaphores, i, last - i);
      System.arraycopy(data, (i + 1) * STRIDE, data, i * STRIDE, (last - i) * STRIDE);
    }
    semaphores[last] = null;
    publishSize(last);
  }

  /**
   * The owner's release store of the size: a release fence and a plain store (on x86 no instruction at all, only
   * an ordering the JIT keeps), which compiles smaller than the guarded {@code VarHandle.setRelease} and so helps the
   * application's method that holds the hooks stay under the JIT's size limit for inlining it into its caller.
   */
  private void publishSize(int n) {
    VarHandle.releaseFence();
    size = n;
  }

  /** Makes room for entry {@code n}; false when the ledger is full (the permits go untracked, never a false leak). */
  private boolean grow(int n) {
    if (n >= MAX_ENTRIES) {
      StallwatchHealth.untrackedPermits.incrementAndGet();
      return false;
    }
    int capacity = Math.min(semaphores.length * 2, MAX_ENTRIES);
    // The data first: a watchdog that sees the new semaphores array must find the data array at least as long.
    data = Arrays.copyOf(data, capacity * STRIDE);
    semaphores = Arrays.copyOf(semaphores, capacity);
    return true;
  }

  /** Applies the watchdog's cancellations; the owner calls it on each permit call, the watchdog once it has died. */
  public void applyCancellations() {
    if (cancellationsPosted) {
      drainCancellations();
    }
  }

  private void drainCancellations() {
    cancellationsPosted = false;
    StallwatchPermitCancellation cancellation;
    while ((cancellation = cancellations.poll()) != null) {
      int rest = cancellation.permits;
      int n = size;
      long[] d = data;
      for (int i = 0; i < n; i++) {
        if (d[i * STRIDE + ID] == cancellation.id) {
          int k = i * STRIDE + COUNTS;
          int held = (int) d[k];
          int taken = Math.min(rest, held);
          d[k] -= taken;
          rest -= taken;
          if (taken == held) {
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
    long[] d = data;
    if (i < 0 || i >= s.length || (i + 1) * STRIDE > d.length) {
      return false;
    }
    int k = i * STRIDE;
    long counts = d[k + COUNTS];
    out.semaphore = s[i];
    out.permits = (int) counts;
    out.site = (int) (counts >>> 32);
    out.sinceMillis = d[k + SINCE];
    out.id = d[k + ID];
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
