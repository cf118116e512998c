package dev.stallwatch.testapps;

import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Waits to enter {@code synchronized}, as programs have them. The scenario is the first argument:
 * <ul>
 *   <li>{@code stuck}: "connection-owner" holds the connection's monitor while it reads from a socket that never
 *       answers (an un-timed network call); "request-1" and "request-2" pile up BLOCKED behind it, forever.
 *   <li>{@code startup}: right at start, three threads wait about 750 ms for a monitor "bootstrap" holds.
 *   <li>{@code ends}: "request-handler" waits 2 s for "metrics-flusher", then the program lingers 2 s.
 *   <li>{@code many}: five request threads wait 2.5 s at one site for one monitor, then linger 2 s.
 *   <li>{@code virtual} (JDK 21+): a virtual thread waits 2 s for a monitor "metrics-flusher" holds, then the
 *       program lingers 3 s; before that, virtual threads have run for a second, as in a service that uses them.
 *   <li>{@code traps}: nothing that is a lock wait: a long {@code Object.wait} then a quick re-entry after notify, a
 *       monitor taken in turns 100 ms at a time by two threads (each wait short, the total long), idle pools.
 * </ul>
 * Prints {@code blocked at <millis>} once the waiters are expected to be BLOCKED, and {@code done} at the end.
 */
public final class MonitorWaitScenarios {
  private static final Object CONNECTION = new Object();

  public static void main(String[] args) throws Exception {
    switch (args[0]) {
      case "stuck" -> stuck();
      case "startup" -> contend("bootstrap", 750, 3, "starter-");
      case "ends" -> {
        contend("metrics-flusher", 2_000, 1, "request-handler");
        Thread.sleep(2_000);
      }
      case "many" -> {
        contend("metrics-flusher", 2_500, 5, "request-");
        Thread.sleep(2_000);
      }
      case "traps" -> traps();
      case "virtual" -> virtualWaiter();
      default -> throw new IllegalArgumentException(args[0]);
    }
    System.out.println("done");
  }

  /** The classic hang: the owner never returns from its read, so its monitor is never released. */
  private static void stuck() throws Exception {
    ServerSocket silentPeer = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    CountDownLatch held = new CountDownLatch(1);
    Thread owner = new Thread(() -> {
      try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), silentPeer.getLocalPort())) {
        synchronized (CONNECTION) {
          held.countDown();
          InputStream in = socket.getInputStream();
          in.read(); // the peer accepts and never writes: this never returns
        }
      } catch (Exception e) {
        throw new RuntimeException(e);
      }
    }, "connection-owner");
    owner.setDaemon(true);
    owner.start();
    Socket accepted = silentPeer.accept();
    held.await();
    for (int i = 1; i <= 2; i++) {
      Thread request = new Thread(MonitorWaitScenarios::sendOnConnection, "request-" + i);
      request.setDaemon(true);
      request.start();
    }
    Thread.sleep(100);
    System.out.println("blocked at " + System.currentTimeMillis());
    Thread.sleep(Long.MAX_VALUE);
    accepted.close();
  }

  static void sendOnConnection() {
    synchronized (CONNECTION) {
      System.out.println("sent");
    }
  }

  /** {@code holderName} holds a monitor for {@code holdMillis} while {@code waiters} threads wait at one site. */
  private static void contend(String holderName, long holdMillis, int waiters, String waiterName) throws Exception {
    Object monitor = new Object();
    CountDownLatch held = new CountDownLatch(1);
    Thread holder = new Thread(() -> {
      synchronized (monitor) {
        held.countDown();
        sleep(holdMillis);
      }
    }, holderName);
    holder.start();
    held.await();
    List<Thread> threads = new ArrayList<>();
    for (int i = 1; i <= waiters; i++) {
      Thread t = new Thread(() -> enter(monitor), waiters == 1 ? waiterName : waiterName + i);
      t.start();
      threads.add(t);
    }
    System.out.println("blocked at " + System.currentTimeMillis());
    for (Thread t : threads) {
      t.join();
    }
    System.out.println("wait ended at " + System.currentTimeMillis());
    holder.join();
  }

  static void enter(Object monitor) {
    synchronized (monitor) {
      Thread.onSpinWait(); // a body for the block: entering the monitor is the point
    }
  }

  private static void virtualWaiter() throws Exception {
    ExecutorService virtualThreads =
        (ExecutorService) Executors.class.getMethod("newVirtualThreadPerTaskExecutor").invoke(null);
    virtualThreads.submit(() -> { }).get();
    Thread.sleep(1_000);
    Object monitor = new Object();
    CountDownLatch held = new CountDownLatch(1);
    Thread holder = new Thread(() -> {
      synchronized (monitor) {
        held.countDown();
        sleep(2_000);
      }
    }, "metrics-flusher");
    holder.start();
    held.await();
    virtualThreads.submit(() -> enter(monitor)).get();
    System.out.println("wait ended at " + System.currentTimeMillis());
    Thread.sleep(3_000);
    virtualThreads.shutdown();
  }

  private static void traps() throws Exception {
    ExecutorService idlePool = Executors.newFixedThreadPool(4);
    for (int i = 0; i < 4; i++) {
      idlePool.submit(() -> { });
    }

    // A consumer waits 2 s in Object.wait (WAITING, not BLOCKED); the producer notifies and lets go at once.
    Object mailbox = new Object();
    boolean[] delivered = {false};
    Thread consumer = new Thread(() -> {
      synchronized (mailbox) {
        while (!delivered[0]) {
          try {
            mailbox.wait();
          } catch (InterruptedException e) {
            return;
          }
        }
      }
    }, "mail-consumer");
    consumer.start();
    sleep(2_000);
    synchronized (mailbox) {
      delivered[0] = true;
      mailbox.notifyAll();
      sleep(50); // the consumer re-enters after this: a short BLOCKED spell at the end of a long wait
    }
    consumer.join();

    // Two threads take turns holding one monitor 100 ms at a time, resting outside it between turns so that the
    // other gets in: each wait is at most 100 ms, the total is seconds.
    Object shared = new Object();
    Runnable turns = () -> {
      for (int i = 0; i < 20; i++) {
        synchronized (shared) {
          sleep(100);
        }
        sleep(120);
      }
    };
    Thread a = new Thread(turns, "turn-a");
    Thread b = new Thread(turns, "turn-b");
    a.start();
    b.start();
    a.join();
    b.join();
    idlePool.shutdown();
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
