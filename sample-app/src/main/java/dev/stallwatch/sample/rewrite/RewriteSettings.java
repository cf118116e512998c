package dev.stallwatch.sample.rewrite;

import java.time.Duration;
import java.util.Set;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Everything the service reads from configuration ({@code rewrite.*}: application properties, {@code --rewrite.x=}
 * arguments or {@code REWRITE_X} environment variables). The latencies stand in for the remote calls and disk writes
 * of the real service; the overhead benchmark sets them to zero so that it measures CPU, not sleeps.
 */
@ConfigurationProperties("rewrite")
public record RewriteSettings(
    @DefaultValue Set<Fault> faults,
    @DefaultValue Provider provider,
    @DefaultValue Storage storage,
    @DefaultValue("5s") Duration metricsReportInterval,
    @DefaultValue("200ms") Duration cacheJanitorInterval) {

  /** The remote rewriting provider and the bounded pool of slots it is called through. */
  public record Provider(
      @DefaultValue("4") int slots,
      @DefaultValue("250ms") Duration timeout,
      @DefaultValue("5ms") Duration latency,
      /** Every n-th call is slower than the timeout (0: never), as the real provider's hiccups were. */
      @DefaultValue("25") int slowEvery,
      /** Longer blocks are rejected by the provider. */
      @DefaultValue("2000") int maxBlockChars) {}

  /** How long the simulated writes take. */
  public record Storage(
      @DefaultValue("20ms") Duration transcriptWrite,
      @DefaultValue("20ms") Duration archiveWrite,
      @DefaultValue("1200ms") Duration billingWrite,
      /** Usage is written to the billing store once per this many charged documents. */
      @DefaultValue("50") int billingFlushEvery) {}

  public boolean faulty(Fault fault) {
    return faults.contains(fault);
  }
}
