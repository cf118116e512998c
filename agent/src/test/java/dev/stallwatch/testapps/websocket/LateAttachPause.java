package dev.stallwatch.testapps.websocket;

import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * For benchmarks/late-attach-pause.sh: an embedded Tomcat under steady WebSocket load for {@code args[0]} seconds
 * ({@code args[1]} clients, each sending one message and waiting for the echo, again and again), with a ticker thread
 * that sleeps 1 ms and records how late it woke (the application's pauses, as jHiccup measures them). Every second
 * it prints one line: the second, the messages echoed, the slowest round trip and the ticker's largest lateness, so a
 * script can compare the seconds before, during and after an attach. Prints its pid first.
 */
public final class LateAttachPause {
  public static void main(String[] args) throws Exception {
    int seconds = Integer.parseInt(args[0]);
    int clients = Integer.parseInt(args[1]);
    AtomicLongArray maxRoundTripMicros = new AtomicLongArray(seconds + 2);
    AtomicLongArray maxHiccupMicros = new AtomicLongArray(seconds + 2);
    AtomicLongArray messages = new AtomicLongArray(seconds + 2);
    long start = System.nanoTime();
    long end = start + seconds * 1_000_000_000L;
    System.out.println("pid " + ProcessHandle.current().pid());
    try (EmbeddedTomcat tomcat = new EmbeddedTomcat(container -> container.addEndpoint(
        jakarta.websocket.server.ServerEndpointConfig.Builder.create(JakartaEndpoints.EchoEndpoint.class, "/echo")
            .build()))) {
      HttpClient http = HttpClient.newHttpClient();
      List<Thread> threads = new ArrayList<>();
      for (int c = 0; c < clients; c++) {
        ClientScenario.Client client = ClientScenario.Client.connect(http, tomcat.baseUri() + "/echo");
        threads.add(new Thread(() -> {
          try {
            while (System.nanoTime() < end) {
              long before = System.nanoTime();
              client.sendAndAwaitReply("x");
              long after = System.nanoTime();
              int second = (int) ((after - start) / 1_000_000_000L);
              messages.incrementAndGet(second);
              max(maxRoundTripMicros, second, (after - before) / 1_000);
            }
          } catch (Exception e) {
            System.out.println("client failed: " + e);
          }
        }, "load-" + c));
      }
      Thread ticker = new Thread(() -> {
        while (System.nanoTime() < end) {
          long before = System.nanoTime();
          try {
            Thread.sleep(1);
          } catch (InterruptedException e) {
            return;
          }
          long after = System.nanoTime();
          max(maxHiccupMicros, (int) ((after - start) / 1_000_000_000L), (after - before) / 1_000 - 1_000);
        }
      }, "ticker");
      threads.add(ticker);
      threads.forEach(Thread::start);
      System.out.println("load running");
      AtomicLong printed = new AtomicLong();
      while (System.nanoTime() < end) {
        Thread.sleep(100);
        int done = (int) ((System.nanoTime() - start) / 1_000_000_000L) - 1;
        for (long s = printed.get(); s <= done && s < seconds; s = printed.incrementAndGet()) {
          int i = (int) s;
          System.out.println("second " + i + " messages " + messages.get(i) + " max_round_trip_us "
              + maxRoundTripMicros.get(i) + " max_hiccup_us " + maxHiccupMicros.get(i));
        }
      }
      for (Thread t : threads) {
        t.join();
      }
    }
    System.out.println("done");
    System.exit(0);
  }

  private static void max(AtomicLongArray array, int index, long value) {
    if (index >= array.length()) {
      return;
    }
    long current;
    while (value > (current = array.get(index))) {
      if (array.compareAndSet(index, current, value)) {
        return;
      }
    }
  }
}
