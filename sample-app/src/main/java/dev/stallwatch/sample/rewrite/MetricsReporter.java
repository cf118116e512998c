package dev.stallwatch.sample.rewrite;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/** Logs the metrics summary every {@code rewrite.metrics-report-interval} from a thread of its own. */
@Component
public class MetricsReporter implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(MetricsReporter.class);
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(task -> {
    Thread t = new Thread(task, "metrics-reporter");
    t.setDaemon(true);
    return t;
  });

  public MetricsReporter(RewriteMetrics metrics, SessionRegistry sessions, RewriteSettings settings) {
    long every = settings.metricsReportInterval().toMillis();
    timer.scheduleWithFixedDelay(() -> log.info("rewrite metrics: {} sessions={}", metrics.summary(), sessions.openCount()),
        every, every, TimeUnit.MILLISECONDS);
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
