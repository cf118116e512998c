package dev.stallwatch.bootstrap;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Every thread's {@link StallwatchThreadState}, as a lock-free list the watchdog walks. A thread gets its state the
 * first time it reaches a hook (a contended lock, a permit call), so idle threads cost nothing.
 *
 * <p>Finding the calling thread's state is on the path of every semaphore acquire and release, twice per pair, so it
 * has a fast way besides the {@code ThreadLocal}: a small table of permit ledgers indexed by the thread's id, where
 * a thread claims its slot once (compare-and-set from empty) and is afterwards found by three dependent loads (the
 * id, the slot, the ledger's owner) instead of the {@code ThreadLocal} map's five. The table is only read on the fast
 * path, never written, so threads on different cores share its cache lines without contention (it is no global map:
 * nothing is looked up by a lock or a semaphore). The slot is checked against the thread's identity (the ledger's
 * {@code owner}, a strong reference that only the claim sets), so a thread id that collides or a {@code Thread}
 * subclass that overrides {@code getId} only sends that thread the slower way. The watchdog empties the slot of a
 * thread that has ended and clears the owner, so an ended thread is not kept alive ({@link #forget}).
 */
public final class StallwatchRegistry {
  private static final AtomicReference<StallwatchThreadState> HEAD = new AtomicReference<>();
  private static final ThreadLocal<StallwatchThreadState> CURRENT = new ThreadLocal<>();
  /** Slots of the fast table; a power of two. More live threads than this share slots: the rest use the map. */
  private static final int SLOTS = 1024;
  private static final StallwatchPermitLedger[] BY_THREAD_ID = new StallwatchPermitLedger[SLOTS];
  private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(StallwatchPermitLedger[].class);
  /**
   * The agent's class loader: threads that inherited it as context loader, or whose outermost code is its
   * ({@link StallwatchThreadOrigin}: the SDK's), are the agent's.
   */
  private static volatile ClassLoader agentLoader;
  /** What {@link #current} answers while the calling thread is being registered; never in the list. */
  private static final StallwatchThreadState REGISTERING =
      new StallwatchThreadState("(registering)");

  private StallwatchRegistry() {}

  /** Called once at startup, before any advice is installed. */
  public static void setAgentLoader(ClassLoader loader) {
    agentLoader = loader;
    StallwatchThreadOrigin.startedByAgent(loader); // links the JDK's stack walker now, outside any lock path
  }

  /** The calling thread's state, created and registered on first use. */
  public static StallwatchThreadState current() {
    Thread thread = Thread.currentThread();
    StallwatchPermitLedger ledger = BY_THREAD_ID[slot(thread)];
    if (ledger != null && ledger.owner == thread) {
      return ledger.state;
    }
    return currentFromMap(thread);
  }

  /**
   * The calling thread's permit ledger, or null for the agent's own threads: the semaphore hooks' look-up, twice
   * per acquire/release pair. Three dependent loads (the thread's id, the slot, the slot's owner) and a compare.
   */
  static StallwatchPermitLedger currentLedger() {
    Thread thread = Thread.currentThread();
    StallwatchPermitLedger ledger = BY_THREAD_ID[slot(thread)];
    if (ledger != null && ledger.owner == thread) {
      return ledger;
    }
    StallwatchThreadState state = currentFromMap(thread);
    return state.excluded ? null : state.permits;
  }

  private static int slot(Thread thread) {
    @SuppressWarnings("deprecation") // threadId() is JDK 19+; getId() is the same number on every JDK
    long id = thread.getId();
    return (int) id & (SLOTS - 1);
  }

  private static StallwatchThreadState currentFromMap(Thread thread) {
    StallwatchThreadState state = CURRENT.get();
    if (state == null) {
      // Registering walks the stack once (StallwatchThreadOrigin); a hook reached meanwhile finds this excluded
      // stand-in and records nothing, so registering can never re-enter itself.
      CURRENT.set(REGISTERING);
      state = register(thread);
      CURRENT.set(state);
    }
    if (!state.excluded) {
      // Claims the slot if it is free; one that another live thread holds is left alone (no write, no contention).
      int slot = slot(thread);
      if (BY_THREAD_ID[slot] == null && state.fastSlot < 0) {
        state.fastSlot = slot; // before the claim publishes it: the watchdog reads it once the thread has ended
        state.permits.owner = thread; // likewise; the claim's compare-and-set publishes it
        if (!SLOT.compareAndSet(BY_THREAD_ID, slot, (StallwatchPermitLedger) null, state.permits)) {
          state.permits.owner = null;
          state.fastSlot = -1;
        }
      }
    }
    return state;
  }

  /**
   * Watchdog: {@code state}'s thread has ended, so its slot in the fast table is free for another thread (its state
   * stays in the list while it still holds permits).
   */
  public static void forget(StallwatchThreadState state) {
    int slot = state.fastSlot;
    if (slot >= 0) {
      state.fastSlot = -1;
      SLOT.compareAndSet(BY_THREAD_ID, slot, state.permits, (StallwatchPermitLedger) null);
      state.permits.owner = null; // the ended thread is no longer kept alive by its ledger
    }
  }

  /** The calling thread's state if it has one; never creates it. */
  public static StallwatchThreadState currentIfAny() {
    return CURRENT.get();
  }

  private static StallwatchThreadState register(Thread thread) {
    StallwatchThreadState state = new StallwatchThreadState(thread, isAgentThread(thread));
    StallwatchThreadState head;
    do {
      head = HEAD.get();
      state.next = head;
    } while (!HEAD.compareAndSet(head, state));
    return state;
  }

  private static boolean isAgentThread(Thread thread) {
    ClassLoader loader = agentLoader;
    return thread.getName().startsWith("stallwatch-")
        || (loader != null && (thread.getContextClassLoader() == loader
            || StallwatchThreadOrigin.startedByAgent(loader)));
  }

  /** The newest state; follow {@link #next(StallwatchThreadState)} for the rest. */
  public static StallwatchThreadState first() {
    return HEAD.get();
  }

  public static StallwatchThreadState next(StallwatchThreadState state) {
    return state.next;
  }

  /**
   * Unlinks {@code state}, which follows {@code previous}. Only the watchdog calls this, and never for the head, so
   * it cannot race with {@link #register}, which only ever changes the head.
   */
  public static void unlink(StallwatchThreadState previous, StallwatchThreadState state) {
    previous.next = state.next;
  }
}
