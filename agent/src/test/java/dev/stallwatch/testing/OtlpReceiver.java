package dev.stallwatch.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import java.util.zip.GZIPInputStream;

/**
 * A real OTLP/HTTP endpoint on loopback: it accepts what an exporter sends to {@code /v1/traces}, {@code /v1/metrics}
 * and {@code /v1/logs}, decodes the protobuf with the official OTLP classes, and keeps it for the test to inspect.
 */
public final class OtlpReceiver implements AutoCloseable {
  private final HttpServer server;
  private final List<ExportTraceServiceRequest> traces = new CopyOnWriteArrayList<>();
  private final List<ExportMetricsServiceRequest> metrics = new CopyOnWriteArrayList<>();
  private final List<ExportLogsServiceRequest> logs = new CopyOnWriteArrayList<>();

  public OtlpReceiver() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/v1/traces", exchange -> receive(exchange,
        body -> traces.add(ExportTraceServiceRequest.parseFrom(body)),
        ExportTraceServiceResponse.getDefaultInstance().toByteArray()));
    server.createContext("/v1/metrics", exchange -> receive(exchange,
        body -> metrics.add(ExportMetricsServiceRequest.parseFrom(body)),
        ExportMetricsServiceResponse.getDefaultInstance().toByteArray()));
    server.createContext("/v1/logs", exchange -> receive(exchange,
        body -> logs.add(ExportLogsServiceRequest.parseFrom(body)),
        ExportLogsServiceResponse.getDefaultInstance().toByteArray()));
    server.start();
  }

  private interface Decoder {
    void decode(byte[] body) throws IOException;
  }

  private static void receive(HttpExchange exchange, Decoder decoder, byte[] response) throws IOException {
    try (exchange) {
      InputStream in = exchange.getRequestBody();
      if ("gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"))) {
        in = new GZIPInputStream(in);
      }
      decoder.decode(in.readAllBytes());
      exchange.getResponseHeaders().add("Content-Type", "application/x-protobuf");
      exchange.sendResponseHeaders(200, response.length);
      exchange.getResponseBody().write(response);
    } catch (IOException | RuntimeException e) {
      exchange.sendResponseHeaders(400, -1);
    }
  }

  /** The base URL an exporter's {@code otel.exporter.otlp.endpoint} should name. */
  public String endpoint() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  public List<Span> spans() {
    List<Span> out = new ArrayList<>();
    traces.forEach(r -> r.getResourceSpansList().forEach(rs -> rs.getScopeSpansList()
        .forEach(ss -> out.addAll(ss.getSpansList()))));
    return out;
  }

  /** The {@code service.name} of the resource {@code span} arrived with, or null. */
  public String serviceOf(Span span) {
    for (var request : traces) {
      for (var resourceSpans : request.getResourceSpansList()) {
        for (var scopeSpans : resourceSpans.getScopeSpansList()) {
          if (scopeSpans.getSpansList().contains(span)) {
            return attribute(resourceSpans.getResource().getAttributesList(), "service.name");
          }
        }
      }
    }
    return null;
  }

  public List<LogRecord> logRecords() {
    List<LogRecord> out = new ArrayList<>();
    logs.forEach(r -> r.getResourceLogsList().forEach(rl -> rl.getScopeLogsList()
        .forEach(sl -> out.addAll(sl.getLogRecordsList()))));
    return out;
  }

  /** The resources every signal arrived with. */
  public List<Resource> resources() {
    List<Resource> out = new ArrayList<>();
    traces.forEach(r -> r.getResourceSpansList().forEach(rs -> out.add(rs.getResource())));
    metrics.forEach(r -> r.getResourceMetricsList().forEach(rm -> out.add(rm.getResource())));
    logs.forEach(r -> r.getResourceLogsList().forEach(rl -> out.add(rl.getResource())));
    return out;
  }

  public List<Metric> metrics(String name) {
    List<Metric> out = new ArrayList<>();
    metrics.forEach(r -> r.getResourceMetricsList().forEach(rm -> rm.getScopeMetricsList()
        .forEach(sm -> sm.getMetricsList().stream().filter(m -> m.getName().equals(name)).forEach(out::add))));
    return out;
  }

  /**
   * The largest value a cumulative sum (a counter) named {@code name} reported for the series whose attribute
   * {@code key} is {@code value}; empty when no such point arrived.
   */
  public Optional<Long> counter(String name, String key, String value) {
    return metrics(name).stream()
        .flatMap(m -> m.getSum().getDataPointsList().stream())
        .filter(p -> value.equals(attribute(p.getAttributesList(), key)))
        .map(NumberDataPoint::getAsInt)
        .max(Long::compare);
  }

  /**
   * The value an up-down counter named {@code name} reported last for the series whose attribute {@code key} is
   * {@code value}; empty when no such point arrived. Batches arrive in export order.
   */
  public Optional<Long> lastUpDownValue(String name, String key, String value) {
    List<Metric> all = metrics(name);
    for (int i = all.size() - 1; i >= 0; i--) {
      Optional<Long> point = all.get(i).getSum().getDataPointsList().stream()
          .filter(p -> value.equals(attribute(p.getAttributesList(), key)))
          .map(NumberDataPoint::getAsInt).findFirst();
      if (point.isPresent()) {
        return point;
      }
    }
    return Optional.empty();
  }

  /** Everything received, every signal, in protobuf text form: for checks that something never left the app. */
  public String everythingReceived() {
    StringBuilder text = new StringBuilder();
    traces.forEach(r -> text.append(r).append('\n'));
    metrics.forEach(r -> text.append(r).append('\n'));
    logs.forEach(r -> text.append(r).append('\n'));
    return text.toString();
  }

  public LogRecord awaitLogRecord(Predicate<LogRecord> condition, Duration timeout) throws InterruptedException {
    return await(() -> logRecords().stream().filter(condition).findFirst(), timeout, "log record");
  }

  public Span awaitSpan(Predicate<Span> condition, Duration timeout) throws InterruptedException {
    return await(() -> spans().stream().filter(condition).findFirst(), timeout, "span");
  }

  public long awaitCounter(String name, String key, String value, Duration timeout) throws InterruptedException {
    return await(() -> counter(name, key, value), timeout, "counter " + name + "{" + key + "=" + value + "}");
  }

  private interface Probe<T> {
    Optional<T> look();
  }

  private <T> T await(Probe<T> probe, Duration timeout, String what) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    do {
      Optional<T> found = probe.look();
      if (found.isPresent()) {
        return found.get();
      }
      Thread.sleep(50);
    } while (System.nanoTime() < deadline);
    throw new AssertionError("no matching " + what + " arrived over OTLP within " + timeout + "; received "
        + spans().size() + " spans, " + logRecords().size() + " log records, " + metrics.size() + " metric batches");
  }

  /** The string value of attribute {@code key}, or null. */
  public static String attribute(List<KeyValue> attributes, String key) {
    for (KeyValue kv : attributes) {
      if (kv.getKey().equals(key)) {
        AnyValue v = kv.getValue();
        return switch (v.getValueCase()) {
          case STRING_VALUE -> v.getStringValue();
          case INT_VALUE -> Long.toString(v.getIntValue());
          case BOOL_VALUE -> Boolean.toString(v.getBoolValue());
          case DOUBLE_VALUE -> Double.toString(v.getDoubleValue());
          default -> v.toString();
        };
      }
    }
    return null;
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
