package dev.stallwatch.bootstrap;

import java.lang.ref.WeakReference;

/**
 * What one thread is doing that the watchdog may need to see: the lock it is waiting for, since when, and the
 * semaphore permits it holds. Written only by its own thread on the slow path of a lock or on a permit call; read by
 * the watchdog. Holds its thread weakly, so that a state outliving its thread keeps nothing alive.
 */
public final class StallwatchThreadState {
  /** Wait kinds, as {@link #waitKind} holds them. */
  public static final int WAIT_EXCLUSIVE = 1;
  public static final int WAIT_SHARED = 2;
  public static final int WAIT_STAMPED_WRITE = 3;
  public static final int WAIT_STAMPED_READ = 4;

  public final WeakReference<Thread> thread;
  /** The thread's name when it first reached a hook: still known after the thread is gone. */
  public final String threadName;
  /** True for the agent's own threads and the OpenTelemetry SDK's: never tracked, never reported. */
  public final boolean excluded;
  /** The registry's fast-table slot this state holds, or -1; see {@link StallwatchRegistry#forget}. */
  int fastSlot = -1;
  /** The next state in the registry's list; written once before the state is published. */
  volatile StallwatchThreadState next;

  /** The synchronizer being waited for, or null when not waiting. Written last on begin, first on end. */
  public volatile Object waitingOn;
  public long waitSinceMillis;
  public long waitStartNanos;
  public int waitKind;
  /** Counts waits, so the watchdog can tell one long wait from two short ones on the same lock. */
  public long waitSequence;

  /** {@link #callSite} while no rewritten call site is acquiring. */
  public static final int NO_CALL_SITE = -1;
  /**
   * The application's call site ({@code CallSites} id) of the lock or permit acquisition this thread is inside, set
   * by the rewritten call for the length of the call ({@link StallwatchLockCalls#entering}), else
   * {@link #NO_CALL_SITE}: a wait that ends inside it is named by it instead of by a stack walk. Own thread only.
   */
  int callSite = NO_CALL_SITE;

  /** Written by the watchdog only: the {@link #waitSequence} it last reported, so each wait is reported once. */
  public long reportedWaitSequence;

  /** Permits held: the thread's own ledger, see {@link StallwatchPermitLedger}. */
  public final StallwatchPermitLedger permits = new StallwatchPermitLedger(this);

  StallwatchThreadState(Thread thread, boolean excluded) {
    this(thread, thread.getName(), excluded);
  }

  /** A state for no thread (the registry's stand-in while a thread registers). */
  StallwatchThreadState(String name) {
    this(null, name, true);
  }

  private StallwatchThreadState(Thread thread, String threadName, boolean excluded) {
    this.thread = new WeakReference<>(thread);
    this.threadName = threadName;
    this.excluded = excluded;
  }
}
