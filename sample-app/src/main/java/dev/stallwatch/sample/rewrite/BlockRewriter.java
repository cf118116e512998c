package dev.stallwatch.sample.rewrite;

import dev.stallwatch.sample.rewrite.RewriteProvider.BlockTooLongException;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.stereotype.Component;

/**
 * Rewrites one block through the provider. At most {@code rewrite.provider.slots} calls are out at once (the
 * provider's contract); a call that does not answer within the timeout leaves the block as it was. A block the
 * provider rejects as too long is split in two and each half rewritten.
 */
@Component
public class BlockRewriter implements AutoCloseable {
  private static final Duration RETRY_BACKOFF = Duration.ofMillis(250);
  private static final int MAX_ATTEMPTS = 40;

  private final RewriteProvider provider;
  private final RewriteSettings settings;
  private final Semaphore providerSlots;
  private final ExecutorService providerCalls;

  public BlockRewriter(RewriteProvider provider, RewriteSettings settings) {
    this.provider = provider;
    this.settings = settings;
    this.providerSlots = new Semaphore(settings.provider().slots());
    AtomicInteger threads = new AtomicInteger();
    this.providerCalls = Executors.newCachedThreadPool(task -> {
      Thread t = new Thread(task, "provider-call-" + threads.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
  }

  /** The rewritten block; the original text when the provider did not answer in time. */
  public String rewriteBlock(String block) throws InterruptedException {
    for (int attempt = 1; ; attempt++) {
      try {
        return callProvider(block);
      } catch (TimeoutException e) {
        return block;
      } catch (BlockTooLongException e) {
        if (!settings.faulty(Fault.RUNAWAY_BLOCK)) {
          int middle = splitPoint(block);
          return rewriteBlock(block.substring(0, middle)) + " " + rewriteBlock(block.substring(middle));
        }
        // The bug as it shipped: every rejection was taken for a transient one and retried, up to a cap nobody
        // expected to reach; a rejected block holds its request for about ten seconds.
        if (attempt >= MAX_ATTEMPTS) {
          return block;
        }
        Thread.sleep(RETRY_BACKOFF.toMillis());
      }
    }
  }

  private String callProvider(String block) throws TimeoutException, BlockTooLongException, InterruptedException {
    Duration timeout = settings.provider().timeout();
    if (!providerSlots.tryAcquire(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new TimeoutException("no provider slot free within " + timeout);
    }
    if (settings.faulty(Fault.PERMIT_LEAK)) {
      // The bug as it shipped: the slot goes back on the happy path only, so a timeout loses it for good.
      String answer = awaitProvider(block, timeout);
      providerSlots.release();
      return answer;
    }
    try {
      return awaitProvider(block, timeout);
    } finally {
      providerSlots.release();
    }
  }

  private String awaitProvider(String block, Duration timeout)
      throws TimeoutException, BlockTooLongException, InterruptedException {
    Future<String> answer = providerCalls.submit(() -> provider.rewrite(block));
    try {
      return answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      answer.cancel(true);
      throw e;
    } catch (ExecutionException e) {
      if (e.getCause() instanceof BlockTooLongException tooLong) {
        throw tooLong;
      }
      throw new IllegalStateException("the provider failed", e.getCause());
    }
  }

  /** A sentence end near the middle, or the middle. */
  private static int splitPoint(String block) {
    int middle = block.length() / 2;
    int sentenceEnd = block.indexOf(". ", middle);
    return sentenceEnd > 0 && sentenceEnd < block.length() - 2 ? sentenceEnd + 1 : middle;
  }

  @Override
  public void close() {
    providerCalls.shutdownNow();
  }
}
