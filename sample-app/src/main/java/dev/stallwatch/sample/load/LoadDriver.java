package dev.stallwatch.sample.load;

import dev.stallwatch.sample.load.RewriteClient.ClosedByServerException;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Real WebSocket clients (the JDK's) editing documents against the rewrite service: each client opens a session,
 * sends a few revisions of its document one after another, closes, and starts again. Bounded in time and in
 * documents; a document not done within the timeout is counted and its session dropped, so a stuck service cannot
 * hold the driver.
 *
 * <pre>java -cp sample-app/target/rewrite-service.jar dev.stallwatch.sample.load.LoadDriver \
 *     --url ws://127.0.0.1:8080/rewrite [--clients 8] [--duration 10s] [--warmup 0s] [--max-documents 100000]
 *     [--session-documents 5] [--document-timeout 5s]</pre>
 */
public final class LoadDriver {

  /** How to drive the service. */
  public record Options(URI url, int clients, Duration duration, Duration warmup, long maxDocuments,
      int sessionDocuments, Duration documentTimeout) {

    public static Options defaults(URI url) {
      return new Options(url, 8, Duration.ofSeconds(10), Duration.ZERO, 100_000, 5, Duration.ofSeconds(5));
    }

    public Options withDuration(Duration d) {
      return new Options(url, clients, d, warmup, maxDocuments, sessionDocuments, documentTimeout);
    }

    public Options withDocumentTimeout(Duration t) {
      return new Options(url, clients, duration, warmup, maxDocuments, sessionDocuments, t);
    }
  }

  private final Options options;
  private final HttpClient http = HttpClient.newHttpClient();
  private final AtomicLong documents = new AtomicLong();
  private final AtomicLong blocks = new AtomicLong();
  private final AtomicLong timedOut = new AtomicLong();
  private final AtomicLong connectFailures = new AtomicLong();
  private final AtomicLong started = new AtomicLong();
  private final Map<Integer, Long> closedByServer = new ConcurrentHashMap<>();
  private final List<long[]> latencies = new ArrayList<>();
  private volatile long measureFrom;
  private volatile long deadline;

  private LoadDriver(Options options) {
    this.options = options;
  }

  public static void main(String[] args) throws Exception {
    System.out.println(run(parse(args)).describe());
  }

  /** Runs the clients to the end of the duration (plus at most one document timeout) and reports. */
  public static LoadReport run(Options options) throws InterruptedException {
    return new LoadDriver(options).drive();
  }

  private LoadReport drive() throws InterruptedException {
    long now = System.nanoTime();
    measureFrom = now + options.warmup().toNanos();
    deadline = measureFrom + options.duration().toNanos();
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < options.clients(); i++) {
      long[] mine = new long[1 << 16];
      latencies.add(mine);
      int index = i;
      Thread t = new Thread(() -> client(index, mine), "load-client-" + (i + 1));
      t.setDaemon(true);
      threads.add(t);
      t.start();
    }
    for (Thread t : threads) {
      t.join(options.duration().plus(options.warmup()).plus(options.documentTimeout()).toMillis() + 10_000);
    }
    long total = documents.get();
    long[] all = new long[(int) Math.min(total, Integer.MAX_VALUE)];
    int n = 0;
    for (long[] mine : latencies) {
      for (long micros : mine) {
        if (micros > 0 && n < all.length) {
          all[n++] = micros;
        }
      }
    }
    double seconds = options.duration().toNanos() / 1e9;
    return new LoadReport(options.clients(), seconds, total, blocks.get(), timedOut.get(), connectFailures.get(),
        Map.copyOf(closedByServer), java.util.Arrays.copyOf(all, n));
  }

  private void client(int index, long[] latenciesMicros) {
    DocumentGenerator generator = new DocumentGenerator(index + 1);
    URI url = URI.create(options.url() + (options.url().getQuery() == null ? "?" : "&") + "client=client-" + (index + 1));
    int recorded = 0;
    while (System.nanoTime() < deadline && started.get() < options.maxDocuments()) {
      RewriteClient session;
      try {
        session = RewriteClient.connect(http, url, options.documentTimeout());
      } catch (Exception e) {
        connectFailures.incrementAndGet();
        pause(200);
        continue;
      }
      boolean usable = true;
      for (int d = 0; usable && d < options.sessionDocuments() && System.nanoTime() < deadline
          && started.incrementAndGet() <= options.maxDocuments(); d++) {
        long begin = System.nanoTime();
        boolean measured = begin >= measureFrom;
        try {
          int blockCount = session.rewrite(generator.next())
              .get(options.documentTimeout().toMillis(), TimeUnit.MILLISECONDS);
          if (measured) {
            documents.incrementAndGet();
            blocks.addAndGet(blockCount);
            if (recorded < latenciesMicros.length) {
              latenciesMicros[recorded++] = Math.max(1, (System.nanoTime() - begin) / 1_000);
            }
          }
        } catch (TimeoutException e) {
          timedOut.incrementAndGet();
          usable = false;
        } catch (ExecutionException e) {
          int code = e.getCause() instanceof ClosedByServerException closed ? closed.code : 1006;
          closedByServer.merge(code, 1L, Long::sum);
          usable = false;
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
      if (usable) {
        session.close(Duration.ofSeconds(2));
      } else {
        session.abort();
      }
    }
  }

  private static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  static Options parse(String[] args) {
    Options defaults = Options.defaults(null);
    URI url = null;
    int clients = defaults.clients();
    Duration duration = defaults.duration();
    Duration warmup = defaults.warmup();
    long max = defaults.maxDocuments();
    int sessionDocuments = defaults.sessionDocuments();
    Duration timeout = defaults.documentTimeout();
    for (int i = 0; i + 1 < args.length; i += 2) {
      String value = args[i + 1];
      switch (args[i]) {
        case "--url" -> url = URI.create(value);
        case "--clients" -> clients = Integer.parseInt(value);
        case "--duration" -> duration = seconds(value);
        case "--warmup" -> warmup = seconds(value);
        case "--max-documents" -> max = Long.parseLong(value);
        case "--session-documents" -> sessionDocuments = Integer.parseInt(value);
        case "--document-timeout" -> timeout = seconds(value);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    if (url == null) {
      throw new IllegalArgumentException("--url ws://127.0.0.1:PORT/rewrite is required");
    }
    return new Options(url, clients, duration, warmup, max, sessionDocuments, timeout);
  }

  /** {@code 10s}, {@code 500ms} or a bare number of seconds. */
  private static Duration seconds(String value) {
    if (value.endsWith("ms")) {
      return Duration.ofMillis(Long.parseLong(value.substring(0, value.length() - 2)));
    }
    return Duration.ofMillis((long) (Double.parseDouble(value.replaceAll("s$", "")) * 1000));
  }
}
