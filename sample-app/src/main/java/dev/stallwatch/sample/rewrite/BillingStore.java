package dev.stallwatch.sample.rewrite;

import java.util.Map;
import org.springframework.stereotype.Component;

/** The remote billing store usage is written to; a write is a slow remote call. */
@Component
public class BillingStore {
  private final RewriteSettings settings;

  public BillingStore(RewriteSettings settings) {
    this.settings = settings;
  }

  public void write(Map<String, Long> blocksByClient) {
    SimulatedLatency.of(settings.storage().billingWrite());
  }
}
