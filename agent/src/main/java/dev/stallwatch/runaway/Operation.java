package dev.stallwatch.runaway;

import io.opentelemetry.api.trace.Span;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Map;

/**
 * One call of an instrumented operation while it runs: a block-processing method or a WebSocket handler call.
 * Created and ended by the thread running it ({@link InFlightOperations#begin}, {@link InFlightOperations#end}); read
 * by the watchdog, which may report it as a runaway.
 *
 * <p>Its state moves RUNNING → (REPORTING → REPORTED) → ENDED. The watchdog alone moves it to REPORTING and REPORTED;
 * the running thread alone moves it to ENDED. Whoever sees the other's step last reports the "ended" phase, so that
 * it always follows the runaway report and is made exactly once.
 */
public final class Operation {
  static final int RUNNING = 0;
  static final int REPORTING = 1;
  static final int REPORTED = 2;
  static final int ENDED = 3;
  private static final VarHandle STATE;

  static {
    try {
      STATE = MethodHandles.lookup().findVarHandle(Operation.class, "state", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final String kind;
  private final String name;
  private final Object key;
  private final long thresholdNanos;
  private final Span span;
  private final Map<String, Object> details;
  private final InFlightOperations.PerThread owner;
  private final Thread thread;
  private final long startNanos;
  private volatile long endNanos;
  @SuppressWarnings("unused") // through STATE
  private volatile int state;
  /** Whatever the instrumentation needs at the end (the span's scope, say); only the running thread touches it. */
  private Object attachment;

  Operation(String kind, String name, Object key, long thresholdNanos, Span span, Map<String, Object> details,
      InFlightOperations.PerThread owner, long startNanos) {
    this.kind = kind;
    this.name = name;
    this.key = key;
    this.thresholdNanos = thresholdNanos;
    this.span = span;
    this.details = details;
    this.owner = owner;
    this.thread = owner.thread();
    this.startNanos = startNanos;
  }

  /** What sort of operation: {@code block} or {@code websocket}. */
  public String kind() {
    return kind;
  }

  /** What a person calls it, e.g. the fully qualified method {@code com.acme.Pipeline.processBlock}. */
  public String name() {
    return name;
  }

  /** Identifies the code running it, for recursion checks: calls with equal keys on one thread nest. */
  public Object key() {
    return key;
  }

  public long thresholdNanos() {
    return thresholdNanos;
  }

  /** The operation's span, never null (possibly {@link Span#getInvalid()}). */
  public Span span() {
    return span;
  }

  /** Extra fields for its detections. */
  public Map<String, Object> details() {
    return details;
  }

  public Thread thread() {
    return thread;
  }

  /**
   * The record of the thread running it. The instrumentation's token for a call is the operation itself, and the
   * call ends on the thread that began it (method enter and exit advice run in the same frame), so the end takes the
   * record from here instead of looking the thread-local up a second time.
   */
  public InFlightOperations.PerThread owner() {
    return owner;
  }

  public long startNanos() {
    return startNanos;
  }

  /** {@link System#nanoTime()} at the end; valid once the operation ended. */
  public long endNanos() {
    return endNanos;
  }

  public Object attachment() {
    return attachment;
  }

  public void attach(Object value) {
    attachment = value;
  }

  boolean isRunning() {
    return (int) STATE.getVolatile(this) == RUNNING;
  }

  /** Watchdog: claims the runaway report; false when it was made already or the operation ended. */
  boolean startReport() {
    return STATE.compareAndSet(this, RUNNING, REPORTING);
  }

  /** Watchdog, after reporting: false when the operation ended meanwhile (the watchdog then reports the end too). */
  boolean finishReport() {
    return STATE.compareAndSet(this, REPORTING, REPORTED);
  }

  /** Running thread: returns the state before ending. */
  int finish(long nowNanos) {
    endNanos = nowNanos;
    return (int) STATE.getAndSet(this, ENDED);
  }

  @Override
  public String toString() {
    return kind + " " + name + " on " + thread.getName();
  }
}
