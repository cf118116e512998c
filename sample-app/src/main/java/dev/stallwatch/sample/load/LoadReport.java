package dev.stallwatch.sample.load;

import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** What a load run achieved: documents rewritten and failed, throughput, and document latency percentiles. */
public record LoadReport(int clients, double seconds, long documents, long blocks, long timedOut,
    long connectFailures, Map<Integer, Long> closedByServer, long[] latenciesMicros) {

  public long failed() {
    return timedOut + closedByServer.values().stream().mapToLong(Long::longValue).sum();
  }

  public double documentsPerSecond() {
    return documents / seconds;
  }

  public double blocksPerSecond() {
    return blocks / seconds;
  }

  /** The {@code q}-quantile (0..1) of document latency in milliseconds; NaN when nothing completed. */
  public double latencyMillis(double q) {
    if (latenciesMicros.length == 0) {
      return Double.NaN;
    }
    long[] sorted = latenciesMicros.clone();
    Arrays.sort(sorted);
    int index = (int) Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1);
    return sorted[Math.max(0, index)] / 1000.0;
  }

  /** Two lines for people and one {@code load-result} line of JSON for scripts. */
  public String describe() {
    String closes = closedByServer.isEmpty() ? "" : ", " + new TreeMap<>(closedByServer).entrySet().stream()
        .map(e -> e.getValue() + " sessions closed by the server with " + e.getKey())
        .collect(Collectors.joining(", "));
    String json = String.format(java.util.Locale.ROOT,
        "{\"clients\":%d,\"seconds\":%.1f,\"documents\":%d,\"failed\":%d,\"timedOut\":%d,\"connectFailures\":%d,"
            + "\"closedByServer\":{%s},\"documentsPerSecond\":%.1f,\"blocksPerSecond\":%.1f,\"p50Millis\":%.2f,"
            + "\"p99Millis\":%.2f}",
        clients, seconds, documents, failed(), timedOut, connectFailures,
        new TreeMap<>(closedByServer).entrySet().stream().map(e -> "\"" + e.getKey() + "\":" + e.getValue())
            .collect(Collectors.joining(",")),
        documentsPerSecond(), blocksPerSecond(), latencyMillis(0.5), latencyMillis(0.99));
    return String.format(java.util.Locale.ROOT,
        "load: %d documents rewritten, %d failed (%d timed out%s), %d connection attempts failed%n"
            + "load: %.1f documents/s, %.1f blocks/s; document latency p50 %.1f ms, p99 %.1f ms%n"
            + "load-result %s",
        documents, failed(), timedOut, closes, connectFailures, documentsPerSecond(), blocksPerSecond(),
        latencyMillis(0.5), latencyMillis(0.99), json);
  }
}
