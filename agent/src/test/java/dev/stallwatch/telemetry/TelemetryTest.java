package dev.stallwatch.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.export.CollectionRegistration;
import io.opentelemetry.sdk.metrics.export.MetricReader;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The SDK built on a thread of its own: what features record before it is there reaches it, nothing is lost. */
class TelemetryTest {
  private final CountDownLatch buildMayFinish = new CountDownLatch(1);
  private final List<SpanData> spans = new CopyOnWriteArrayList<>();
  private final Reader metrics = new Reader();

  @Test
  void countsAddedBeforeTheSdkIsBuiltReachItOnceItIs() throws Exception {
    Telemetry telemetry = slowBuild();
    var counter = telemetry.meter().counterBuilder("test.counted").setUnit("{thing}").build();
    Thread early = new Thread(() -> counter.add(3));
    early.start();
    early.join(200);
    assertThat(early.isAlive()).as("the first use waits for the build").isTrue();

    buildMayFinish.countDown();
    early.join(5_000);
    counter.add(4);

    assertThat(early.isAlive()).isFalse();
    assertThat(longSums()).containsEntry("test.counted", 7L);
  }

  @Test
  void aCallbackGivenBeforeTheSdkIsBuiltIsRegisteredWhenItIs() {
    Telemetry telemetry = slowBuild();
    telemetry.meter().upDownCounterBuilder("test.observed").buildWithCallback(m -> m.record(42));
    telemetry.meter().counterBuilder("test.closed").buildWithCallback(m -> m.record(1)).close();

    buildMayFinish.countDown();
    awaitSettled(telemetry);

    // The builder registers the callbacks just after it publishes the SDK.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (!longSums().containsKey("test.observed") && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    assertThat(longSums()).containsEntry("test.observed", 42L).doesNotContainKey("test.closed");
  }

  @Test
  void aSpanAskedForBeforeTheSdkIsBuiltIsTheSdksSpan() throws Exception {
    Telemetry telemetry = slowBuild();
    List<Span> started = new ArrayList<>();
    Thread early = new Thread(() -> started.add(telemetry.tracer().spanBuilder("early").startSpan()));
    early.start();
    buildMayFinish.countDown();
    early.join(5_000);
    started.get(0).end();

    assertThat(spans).extracting(SpanData::getName).containsExactly("early");
  }

  @Test
  void histogramsBuiltBeforeTheSdkKeepTheirBucketsAndUnit() {
    Telemetry telemetry = slowBuild();
    var sizes = telemetry.meter().histogramBuilder("test.size").ofLongs().setUnit("By")
        .setExplicitBucketBoundariesAdvice(List.of(10L, 100L)).build();
    buildMayFinish.countDown();
    sizes.record(50);

    MetricData size = metrics.collect().stream().filter(m -> m.getName().equals("test.size")).findFirst()
        .orElseThrow();
    assertThat(size.getUnit()).isEqualTo("By");
    assertThat(size.getHistogramData().getPoints().iterator().next().getBoundaries()).containsExactly(10.0, 100.0);
  }

  @Test
  void aBuildThatFailsLeavesATelemetryThatRecordsNothingAndNeverWaitsAgain() {
    Telemetry telemetry = Telemetry.building("test-sdk-start", () -> {
      throw new IllegalStateException("no SDK here");
    });
    awaitSettled(telemetry);

    telemetry.meter().counterBuilder("test.nowhere").build().add(1);
    assertThat(telemetry.tracer().spanBuilder("nowhere").startSpan().isRecording()).isFalse();
    telemetry.shutdown(1);
  }

  @Test
  void theOpenTelemetryAgentsTelemetryIsReadyAtOnceAndHandsOutTheRealInstruments() {
    OpenTelemetrySdk sdk = sdk();
    Telemetry telemetry = Telemetry.ready(sdk, "test", seconds -> {}, true);

    assertThat(telemetry.isSettled()).isTrue();
    assertThat(telemetry.meter()).isNotInstanceOf(PendingMeter.class);
    assertThat(telemetry.tracer()).isNotInstanceOf(PendingTracer.class);
  }

  private Telemetry slowBuild() {
    return Telemetry.building("test-sdk-start", () -> {
      try {
        buildMayFinish.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      OpenTelemetrySdk sdk = sdk();
      return TelemetryParts.of(sdk, "test", seconds -> sdk.shutdown().join(seconds, TimeUnit.SECONDS));
    });
  }

  private OpenTelemetrySdk sdk() {
    return OpenTelemetrySdk.builder()
        .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(new Exporter()))
            .build())
        .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(metrics).build())
        .build();
  }

  private static void awaitSettled(Telemetry telemetry) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (!telemetry.isSettled() && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    assertThat(telemetry.isSettled()).isTrue();
  }

  private Map<String, Long> longSums() {
    return metrics.collect().stream().filter(m -> !m.getLongSumData().getPoints().isEmpty())
        .collect(Collectors.toMap(MetricData::getName,
            m -> m.getLongSumData().getPoints().stream().mapToLong(LongPointData::getValue).sum()));
  }

  private final class Exporter implements SpanExporter {
    @Override
    public CompletableResultCode export(Collection<SpanData> batch) {
      spans.addAll(batch);
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode flush() {
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
      return CompletableResultCode.ofSuccess();
    }
  }

  /** Collects on demand, cumulatively. */
  private static final class Reader implements MetricReader {
    private volatile CollectionRegistration registration;

    @Override
    public void register(CollectionRegistration registration) {
      this.registration = registration;
    }

    Collection<MetricData> collect() {
      return registration.collectAllMetrics();
    }

    @Override
    public AggregationTemporality getAggregationTemporality(InstrumentType instrumentType) {
      return AggregationTemporality.CUMULATIVE;
    }

    @Override
    public CompletableResultCode forceFlush() {
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
      return CompletableResultCode.ofSuccess();
    }
  }
}
