import java.util.concurrent.Semaphore;

/**
 * The issue-13 plain loop, without JMH: a static Semaphore, 5M uncontended acquire/release pairs per round, best of
 * 9 rounds, in ns per pair. Variants tell apart what differs from the JMH case:
 *   main    the loop inside main (one long OSR-compiled loop on the main thread, as the issue measured it)
 *   method  each round a call of a separate method, on the main thread (normally compiled, not OSR)
 *   field   the JMH benchmark's body (an instance field Semaphore(4), try/finally, ++counter) in a plain loop
 *   thread  the "method" variant on a fresh thread (its own, nearly empty ThreadLocal map)
 * Run: java [-javaagent:agent/target/stallwatch-agent.jar] benchmarks/plain/SemaphoreLoop.java [main|method|thread]
 *     [rounds] [each]
 * (or compile it first with javac, so that the launcher's compilation is not in the process).
 */
public class SemaphoreLoop {
  static final Semaphore SEMAPHORE = new Semaphore(1);
  static final int PAIRS = 5_000_000;
  /** 9 as in the issue; a second argument asks for more, and a third ("each") prints every round's time. */
  static int ROUNDS = 9;
  static boolean EACH;
  /** -Dclock=cpu: the thread's CPU time instead of wall time (a shared machine preempts the loop; CPU time skips that). */
  static final boolean CPU = "cpu".equals(System.getProperty("clock"));
  static final java.lang.management.ThreadMXBean THREADS = java.lang.management.ManagementFactory.getThreadMXBean();

  static long now() {
    return CPU ? THREADS.getCurrentThreadCpuTime() : System.nanoTime();
  }

  public static void main(String[] args) throws Exception {
    String variant = args.length > 0 ? args[0] : "main";
    if (args.length > 1) {
      ROUNDS = Integer.parseInt(args[1]);
    }
    EACH = args.length > 2 && args[2].equals("each");
    switch (variant) {
      case "main" -> {
        double best = Double.MAX_VALUE;
        for (int r = 0; r < ROUNDS; r++) {
          long t0 = now();
          for (int i = 0; i < PAIRS; i++) {
            SEMAPHORE.acquire();
            SEMAPHORE.release();
          }
          double ns = (now() - t0) / (double) PAIRS;
          each(r, ns);
          best = Math.min(best, ns);
        }
        report(variant, best);
      }
      case "method" -> report(variant, rounds());
      case "thread" -> {
        double[] best = new double[1];
        Thread t = new Thread(() -> {
          try {
            best[0] = rounds();
          } catch (InterruptedException e) {
            throw new RuntimeException(e);
          }
        }, "loop");
        t.start();
        t.join();
        report(variant, best[0]);
      }
      case "field" -> {
        // The JMH benchmark's shape: an instance's Semaphore(4) field, try/finally around a counter increment.
        JmhShape shape = new JmhShape();
        double best = Double.MAX_VALUE;
        for (int r = 0; r < ROUNDS; r++) {
          best = Math.min(best, shape.round());
        }
        report(variant, best);
      }
      default -> throw new IllegalArgumentException(variant);
    }
  }

  static double rounds() throws InterruptedException {
    double best = Double.MAX_VALUE;
    for (int r = 0; r < ROUNDS; r++) {
      double ns = round();
      each(r, ns);
      best = Math.min(best, ns);
    }
    return best;
  }

  static double round() throws InterruptedException {
    long t0 = now();
    for (int i = 0; i < PAIRS; i++) {
      SEMAPHORE.acquire();
      SEMAPHORE.release();
    }
    return (now() - t0) / (double) PAIRS;
  }

  static void each(int round, double ns) {
    if (EACH) {
      System.out.printf("round %d %.2f ns/pair at %d ms%n", round, ns,
          java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime());
    }
  }

  static void report(String variant, double best) {
    System.out.printf("%s %.2f ns/pair%n", variant, best);
  }

  static final class JmhShape {
    private final Semaphore semaphore = new Semaphore(4);
    private long counter;

    long op() throws InterruptedException {
      semaphore.acquire();
      try {
        return ++counter;
      } finally {
        semaphore.release();
      }
    }

    double round() throws InterruptedException {
      long t0 = now();
      long sink = 0;
      for (int i = 0; i < PAIRS; i++) {
        sink += op();
      }
      double ns = (now() - t0) / (double) PAIRS;
      if (sink == 42) {
        System.out.print("");
      }
      return ns;
    }
  }
}
