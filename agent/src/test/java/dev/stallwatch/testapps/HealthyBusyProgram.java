package dev.stallwatch.testapps;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A healthy, busy program that waits a lot, but only for work: idle pools, empty queues, latches, futures,
 * CompletableFuture.join and Condition.await, each for longer than the thresholds a test sets; plus short, honest
 * lock and semaphore contention. Nothing here may be reported.
 */
public final class HealthyBusyProgram {
  public static void main(String[] args) throws Exception {
    long idleMillis = Long.parseLong(args[0]);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    ExecutorService idlePool = Executors.newFixedThreadPool(2);
    idlePool.submit(() -> { }).get(); // its workers now wait for work in take()
    BlockingQueue<String> neverFed = new LinkedBlockingQueue<>();
    BlockingQueue<String> bounded = new ArrayBlockingQueue<>(10);
    CountDownLatch gate = new CountDownLatch(1);
    ReentrantLock lock = new ReentrantLock();
    Condition ready = lock.newCondition();
    Semaphore slots = new Semaphore(3);
    List<Future<?>> waiters = new ArrayList<>();

    waiters.add(pool.submit(() -> neverFed.poll(idleMillis, TimeUnit.MILLISECONDS)));
    waiters.add(pool.submit(() -> {
      gate.await();
      return null;
    }));
    waiters.add(pool.submit(() -> {
      lock.lock();
      try {
        ready.await(idleMillis, TimeUnit.MILLISECONDS);
      } finally {
        lock.unlock();
      }
      return null;
    }));
    CompletableFuture<String> slow = CompletableFuture.supplyAsync(() -> {
      sleep(idleMillis);
      return "slow";
    });
    Thread joiner = new Thread(slow::join, "joiner");
    joiner.start();
    Thread taker = new Thread(() -> {
      try {
        bounded.take();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "taker");
    taker.start();
    // An idle worker waiting on a Semaphore(0) for a wake-up signal, as Jetty's reserved threads do: waiting for
    // work, not for a lock (nobody holds a permit of it).
    Semaphore wakeup = new Semaphore(0);
    Thread reserved = new Thread(() -> {
      try {
        wakeup.tryAcquire(idleMillis * 2, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "reserved-worker");
    reserved.start();
    CyclicBarrier barrier = new CyclicBarrier(2);
    Thread party = new Thread(() -> {
      try {
        barrier.await(idleMillis * 4, TimeUnit.MILLISECONDS);
      } catch (Exception ignored) {
        // the other party arrives late on purpose
      }
    }, "barrier-party");
    party.start();

    // Honest, short contention while everything above waits for work.
    long end = System.currentTimeMillis() + idleMillis;
    Thread[] busy = new Thread[3];
    for (int i = 0; i < busy.length; i++) {
      busy[i] = new Thread(() -> {
        while (System.currentTimeMillis() < end) {
          lock.lock();
          try {
            ThreadLocalRandom.current().nextInt();
          } finally {
            lock.unlock();
          }
          slots.acquireUninterruptibly();
          try {
            ThreadLocalRandom.current().nextInt();
          } finally {
            slots.release();
          }
        }
      }, "busy-" + i);
      busy[i].start();
    }
    for (Thread t : busy) {
      t.join();
    }
    sleep(300);
    gate.countDown();
    bounded.put("work");
    barrier.await(1, TimeUnit.SECONDS);
    for (Future<?> f : waiters) {
      f.get();
    }
    joiner.join();
    taker.join();
    pool.shutdown();
    idlePool.shutdown();
    System.out.println("healthy done");
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
