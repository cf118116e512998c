package dev.stallwatch.bootstrap;

import java.util.concurrent.atomic.AtomicReference;

/**
 * Every thread's {@link StallwatchThreadState}, as a lock-free list the watchdog walks. A thread gets its state the
 * first time it reaches a hook (a contended lock, a permit call), so idle threads cost nothing.
 */
public final class StallwatchRegistry {
  private static final AtomicReference<StallwatchThreadState> HEAD = new AtomicReference<>();
  private static final ThreadLocal<StallwatchThreadState> CURRENT = new ThreadLocal<>();
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
    StallwatchThreadState state = CURRENT.get();
    if (state == null) {
      // Registering walks the stack once (StallwatchThreadOrigin); a hook reached meanwhile finds this excluded
      // stand-in and records nothing, so registering can never re-enter itself.
      CURRENT.set(REGISTERING);
      state = register(Thread.currentThread());
      CURRENT.set(state);
    }
    return state;
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
