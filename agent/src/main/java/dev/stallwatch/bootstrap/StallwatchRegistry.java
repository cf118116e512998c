package dev.stallwatch.bootstrap;

import java.util.concurrent.atomic.AtomicReference;

/**
 * Every thread's {@link StallwatchThreadState}, as a lock-free list the watchdog walks. A thread gets its state the
 * first time it reaches a hook (a contended lock, a permit call), so idle threads cost nothing.
 */
public final class StallwatchRegistry {
  private static final AtomicReference<StallwatchThreadState> HEAD = new AtomicReference<>();
  private static final ThreadLocal<StallwatchThreadState> CURRENT = new ThreadLocal<>();
  /** The agent's class loader: threads that inherited it as context loader are the agent's or its SDK's. */
  private static volatile ClassLoader agentLoader;

  private StallwatchRegistry() {}

  /** Called once at startup, before any advice is installed. */
  public static void setAgentLoader(ClassLoader loader) {
    agentLoader = loader;
  }

  /** The calling thread's state, created and registered on first use. */
  public static StallwatchThreadState current() {
    StallwatchThreadState state = CURRENT.get();
    if (state == null) {
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
        || (loader != null && thread.getContextClassLoader() == loader);
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
