import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.concurrent.CountDownLatch;

/**
 * How much CPU the agent's watchdog thread spends, in a program with {@code args[0]} idle platform threads and
 * {@code args[1]} threads BLOCKED on a monitor (held all along, so a report fires once), over {@code args[2]} seconds.
 * Run by monitor-watch-cost.sh with and without the monitor watch; prints one line of numbers.
 */
public final class WatchdogCpu {
  public static void main(String[] args) throws Exception {
    int idle = Integer.parseInt(args[0]);
    int blocked = Integer.parseInt(args[1]);
    long seconds = Long.parseLong(args[2]);
    CountDownLatch never = new CountDownLatch(1);
    for (int i = 0; i < idle; i++) {
      Thread t = new Thread(() -> {
        try {
          never.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }, "idle-" + i);
      t.setDaemon(true);
      t.start();
    }
    Object monitor = new Object();
    CountDownLatch held = new CountDownLatch(1);
    Thread holder = new Thread(() -> {
      synchronized (monitor) {
        held.countDown();
        try {
          never.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }, "holder");
    holder.setDaemon(true);
    holder.start();
    held.await();
    for (int i = 0; i < blocked; i++) {
      Thread t = new Thread(() -> {
        synchronized (monitor) {
          monitor.hashCode();
        }
      }, "blocked-" + i);
      t.setDaemon(true);
      t.start();
    }
    Thread.sleep(2_000); // start-up done
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    Thread watchdog = Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().equals("stallwatch-watchdog")).findFirst().orElseThrow();
    long before = threads.getThreadCpuTime(watchdog.getId());
    Thread.sleep(seconds * 1_000);
    long used = threads.getThreadCpuTime(watchdog.getId()) - before;
    System.out.printf("threads=%d blocked=%d seconds=%d watchdogCpuMillis=%.1f perSecondMicros=%.0f%n",
        threads.getThreadCount(), blocked, seconds, used / 1e6, used / 1e3 / seconds);
  }
}
