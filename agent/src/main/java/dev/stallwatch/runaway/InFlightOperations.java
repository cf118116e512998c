package dev.stallwatch.runaway;

import dev.stallwatch.report.ThreadSpans;
import dev.stallwatch.telemetry.TelemetryNames;
import io.opentelemetry.api.trace.Span;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Every instrumented operation running right now, of every kind (block methods and WebSocket handler calls), for
 * the runaway watchdog ({@link RunawayDetector}) and the in-flight gauge.
 *
 * <p>The hot path touches only the calling thread's own record (a thread-local stack of its operations); the global
 * set of records changes once per thread, when its first operation starts, and the watchdog drops the records of
 * threads that have ended. No lock, no shared counter per call.
 */
public final class InFlightOperations implements ThreadSpans {
  private final Map<Thread, PerThread> threads = new ConcurrentHashMap<>();
  private final ThreadLocal<PerThread> current = ThreadLocal.withInitial(this::register);
  private volatile Consumer<Operation> endedRunaways = op -> {};
  /** How far the coarse clock ({@code StallwatchClock}) may lag behind, plus a margin. */
  private static final long CLOCK_SLACK_MILLIS = 100;

  /** One thread's operations, innermost last. Written by its thread only; read by the watchdog. */
  public static final class PerThread {
    private final Thread thread;
    private Operation[] stack = new Operation[4];
    /** Published count of {@link #stack}: the owner writes the slot first, then this. */
    private volatile int depth;
    /** True while the agent itself runs on this thread, so that nothing it calls is tracked in turn. */
    private boolean busy;

    PerThread(Thread thread) {
      this.thread = thread;
    }

    Thread thread() {
      return thread;
    }

    /** Whether an operation with this key is already running on this thread (a recursive call). */
    public boolean isRunning(Object key) {
      Operation[] s = stack;
      for (int i = depth - 1; i >= 0; i--) {
        if (s[i].key() == key) {
          return true;
        }
      }
      return false;
    }

    /** Whether an operation that {@code test} accepts is already running on this thread. */
    public boolean anyRunning(java.util.function.Predicate<Operation> test) {
      return innermost(test) != null;
    }

    /** The innermost running operation of this thread that {@code test} accepts, or null. */
    public Operation innermost(java.util.function.Predicate<Operation> test) {
      Operation[] s = stack;
      for (int i = depth - 1; i >= 0; i--) {
        if (test.test(s[i])) {
          return s[i];
        }
      }
      return null;
    }

    public boolean busy() {
      return busy;
    }

    public void busy(boolean value) {
      busy = value;
    }

    void push(Operation op) {
      int d = depth;
      if (d == stack.length) {
        Operation[] bigger = new Operation[d * 2];
        System.arraycopy(stack, 0, bigger, 0, d);
        stack = bigger;
      }
      stack[d] = op;
      depth = d + 1;
    }

    /** Removes {@code op}, normally the innermost; tolerates out-of-order ends. */
    void remove(Operation op) {
      int d = depth;
      for (int i = d - 1; i >= 0; i--) {
        if (stack[i] == op) {
          System.arraycopy(stack, i + 1, stack, i, d - 1 - i);
          stack[d - 1] = null;
          depth = d - 1;
          return;
        }
      }
    }

    void forEach(Consumer<Operation> action) {
      int d = depth;
      Operation[] s = stack;
      for (int i = 0; i < d && i < s.length; i++) {
        Operation op = s[i];
        if (op != null) {
          action.accept(op);
        }
      }
    }
  }

  private PerThread register() {
    PerThread record = new PerThread(Thread.currentThread());
    threads.put(record.thread, record);
    return record;
  }

  /** The calling thread's record. */
  public PerThread currentThread() {
    return current.get();
  }

  /**
   * Records that the calling thread starts an operation.
   *
   * @param record {@link #currentThread()}
   * @param span the operation's span, or {@link Span#getInvalid()}
   */
  public Operation begin(PerThread record, String kind, String name, Object key, long thresholdNanos, Span span,
      Map<String, Object> details) {
    Operation op = new Operation(kind, name, key, thresholdNanos, span, details, record, System.nanoTime());
    record.push(op);
    return op;
  }

  /**
   * Records that the calling thread's operation ended (on the thread that began it: its record is
   * {@link Operation#owner()}). When it had been reported as a runaway, marks its span ({@link TelemetryNames#RUNAWAY})
   * and has the end reported; call this before ending the span.
   *
   * @return whether it had been reported as a runaway
   */
  public boolean end(Operation op, long nowNanos) {
    op.owner().remove(op);
    int before = op.finish(nowNanos);
    if (before == Operation.RUNNING) {
      return false;
    }
    op.span().setAttribute(TelemetryNames.RUNAWAY, true);
    if (before == Operation.REPORTED) {
      endedRunaways.accept(op);
    }
    // REPORTING: the watchdog is reporting it right now and will see the end when it finishes.
    return true;
  }

  /** Who reports the end of a runaway operation (the {@link RunawayDetector}). */
  void onRunawayEnded(Consumer<Operation> reporter) {
    endedRunaways = reporter;
  }

  /** Every operation running now; drops the records of threads that have ended. For the watchdog. */
  public void forEachRunning(Consumer<Operation> action) {
    for (PerThread record : threads.values()) {
      if (record.depth == 0) {
        if (!record.thread.isAlive()) {
          threads.remove(record.thread, record);
        }
        continue;
      }
      record.forEach(op -> {
        if (op.isRunning()) {
          action.accept(op);
        }
      });
    }
  }

  /**
   * The innermost operation running on {@code thread} that began by {@code sinceMillis}, read from another thread
   * (the watchdog): its stack may change meanwhile, so a slot may read null.
   */
  @Override
  public Span spanOf(Thread thread, long sinceMillis) {
    PerThread record = threads.get(thread);
    if (record == null) {
      return Span.getInvalid();
    }
    // The coarse clock may lag by a tick (50 ms): an operation that began up to that much later still counts.
    long nowNanos = System.nanoTime();
    long nowMillis = System.currentTimeMillis();
    Operation[] s = record.stack;
    for (int i = Math.min(record.depth, s.length) - 1; i >= 0; i--) {
      Operation op = s[i];
      if (op == null || !op.isRunning() || !op.span().getSpanContext().isValid()) {
        continue;
      }
      long beganMillis = nowMillis - (nowNanos - op.startNanos()) / 1_000_000;
      if (beganMillis <= sinceMillis + CLOCK_SLACK_MILLIS) {
        return op.span();
      }
    }
    return Span.getInvalid();
  }

  /** How many threads have a record (for tests). */
  int trackedThreads() {
    return threads.size();
  }

  /** How many operations of each kind are running now. */
  public Map<String, Long> countByKind() {
    Map<String, Long> counts = new java.util.HashMap<>();
    forEachRunning(op -> counts.merge(op.kind(), 1L, Long::sum));
    return counts;
  }
}
