package dev.stallwatch.sample;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The bugs of a block-rewrite service, one after another, as they shipped: a provider slot lost on the timeout path,
 * a metrics summary that takes its own non-reentrant lock twice, two registries locked in opposite orders, and a hot
 * lock held across a slow call, and a block that runs far past its budget. This code knows nothing about stallwatch; run it under the agent to see what it
 * finds.
 */
public final class RewriteServiceBugs {
  private final Semaphore providerSlots = new Semaphore(4);
  private final Semaphore metricsLock = new Semaphore(1);
  private final ReentrantLock sessionRegistry = new ReentrantLock();
  private final ReentrantLock metricsRegistry = new ReentrantLock();
  private final ReentrantLock hotLock = new ReentrantLock();
  private final ExecutorService provider = Executors.newCachedThreadPool(daemon("provider"));
  private long requests;

  public static void main(String[] args) throws Exception {
    RewriteServiceBugs service = new RewriteServiceBugs();
    System.out.println("1. rewriting 200 blocks; block 137 times out at the provider");
    for (int i = 0; i < 200; i++) {
      service.rewriteBlock("block-" + i, i == 137);
    }
    System.out.println("2. a metrics summary is requested");
    start("metrics-reporter", service::metricsSummary);
    System.out.println("3. a session closes while metrics are flushed");
    start("session-closer", service::closeSession);
    start("metrics-flusher", service::flushMetrics);
    System.out.println("4. a slow call is made under the hot lock while requests queue behind it");
    start("slow-admin-call", service::slowCallUnderHotLock);
    Thread.sleep(100);
    for (int i = 0; i < 3; i++) {
      start("request-" + i, service::countRequest);
    }
    System.out.println("5. one block of a long document takes 3 s to rewrite, against a 1 s budget");
    start("document-worker", () -> service.rewriteDocument(new String[] {"intro", "huge-table", "outro"}));
    long lingerMillis = args.length > 0 ? Long.parseLong(args[0]) : 4_000;
    Thread.sleep(lingerMillis);
    System.out.println("done");
  }

  // 1. The provider slot is released on the happy path only.
  String rewriteBlock(String block, boolean providerHangs) throws Exception {
    providerSlots.acquire();
    Future<String> answer = provider.submit(() -> {
      Thread.sleep(providerHangs ? 3_000 : 0);
      return block.toUpperCase();
    });
    try {
      String rewritten = answer.get(200, TimeUnit.MILLISECONDS);
      providerSlots.release();
      return rewritten;
    } catch (TimeoutException e) {
      answer.cancel(true);
      return block; // the slot is never given back
    }
  }

  // 2. Recursive acquisition of a non-reentrant lock.
  String metricsSummary() {
    metricsLock.acquireUninterruptibly();
    try {
      return "requests=" + requestCount();
    } finally {
      metricsLock.release();
    }
  }

  long requestCount() {
    metricsLock.acquireUninterruptibly();
    try {
      return requests;
    } finally {
      metricsLock.release();
    }
  }

  // 3. Lock-order deadlock between two components.
  void closeSession() {
    sessionRegistry.lock();
    try {
      pause(200);
      metricsRegistry.lock();
      metricsRegistry.unlock();
    } finally {
      sessionRegistry.unlock();
    }
  }

  void flushMetrics() {
    metricsRegistry.lock();
    try {
      pause(200);
      sessionRegistry.lock();
      sessionRegistry.unlock();
    } finally {
      metricsRegistry.unlock();
    }
  }

  // 4. A hot lock held across a slow call.
  void slowCallUnderHotLock() {
    hotLock.lock();
    try {
      pause(2_500);
    } finally {
      hotLock.unlock();
    }
  }

  void countRequest() {
    hotLock.lock();
    try {
      requests++;
    } finally {
      hotLock.unlock();
    }
  }

  // 5. A block that runs far past its budget.
  void rewriteDocument(String[] blocks) {
    for (String block : blocks) {
      rewriteDocumentBlock(block);
    }
  }

  String rewriteDocumentBlock(String block) {
    if (block.startsWith("huge")) {
      renderTableSlowly();
    }
    return block.toUpperCase();
  }

  private static void renderTableSlowly() {
    pause(3_000);
  }

  private static void start(String name, Runnable task) {
    Thread t = new Thread(task, name);
    t.setDaemon(true);
    t.start();
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }

  private static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
