package dev.stallwatch.telemetry;

import io.opentelemetry.api.metrics.DoubleCounterBuilder;
import io.opentelemetry.api.metrics.DoubleGaugeBuilder;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.DoubleHistogramBuilder;
import io.opentelemetry.api.metrics.DoubleUpDownCounterBuilder;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.LongCounterBuilder;
import io.opentelemetry.api.metrics.LongHistogram;
import io.opentelemetry.api.metrics.LongHistogramBuilder;
import io.opentelemetry.api.metrics.LongUpDownCounter;
import io.opentelemetry.api.metrics.LongUpDownCounterBuilder;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.metrics.ObservableLongCounter;
import io.opentelemetry.api.metrics.ObservableLongMeasurement;
import io.opentelemetry.api.metrics.ObservableLongUpDownCounter;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The meter features hold while the SDK is being built (see {@link Telemetry}). Its builders write down what they
 * are told; {@code build()} gives an instrument made on the SDK's meter at its first use ({@link LateInstruments}),
 * and {@code buildWithCallback} registers the callback as soon as the SDK is built, so no measurement is lost.
 * Only the instruments stallwatch uses are offered; the others say so when asked for.
 */
final class PendingMeter implements Meter {
  private final Telemetry telemetry;

  PendingMeter(Telemetry telemetry) {
    this.telemetry = telemetry;
  }

  @Override
  public LongCounterBuilder counterBuilder(String name) {
    return new Counter(telemetry, meter -> meter.counterBuilder(name));
  }

  @Override
  public LongUpDownCounterBuilder upDownCounterBuilder(String name) {
    return new UpDownCounter(telemetry, meter -> meter.upDownCounterBuilder(name));
  }

  @Override
  public DoubleHistogramBuilder histogramBuilder(String name) {
    return new Histogram(telemetry, meter -> meter.histogramBuilder(name));
  }

  @Override
  public DoubleGaugeBuilder gaugeBuilder(String name) {
    throw notOffered("gauges");
  }

  private static UnsupportedOperationException notOffered(String what) {
    return new UnsupportedOperationException(what + " are not offered before the SDK is built: stallwatch uses none");
  }

  private static final class Counter implements LongCounterBuilder {
    private final Telemetry telemetry;
    private Function<Meter, LongCounterBuilder> recipe;

    Counter(Telemetry telemetry, Function<Meter, LongCounterBuilder> recipe) {
      this.telemetry = telemetry;
      this.recipe = recipe;
    }

    @Override
    public LongCounterBuilder setDescription(String description) {
      recipe = recipe.andThen(b -> b.setDescription(description));
      return this;
    }

    @Override
    public LongCounterBuilder setUnit(String unit) {
      recipe = recipe.andThen(b -> b.setUnit(unit));
      return this;
    }

    @Override
    public DoubleCounterBuilder ofDoubles() {
      throw notOffered("double counters");
    }

    @Override
    public LongCounter build() {
      return new LateInstruments.Counter(telemetry, recipe.andThen(LongCounterBuilder::build));
    }

    @Override
    public ObservableLongCounter buildWithCallback(Consumer<ObservableLongMeasurement> callback) {
      return LateInstruments.observe(telemetry, recipe.andThen(b -> b.buildWithCallback(callback)));
    }
  }

  private static final class UpDownCounter implements LongUpDownCounterBuilder {
    private final Telemetry telemetry;
    private Function<Meter, LongUpDownCounterBuilder> recipe;

    UpDownCounter(Telemetry telemetry, Function<Meter, LongUpDownCounterBuilder> recipe) {
      this.telemetry = telemetry;
      this.recipe = recipe;
    }

    @Override
    public LongUpDownCounterBuilder setDescription(String description) {
      recipe = recipe.andThen(b -> b.setDescription(description));
      return this;
    }

    @Override
    public LongUpDownCounterBuilder setUnit(String unit) {
      recipe = recipe.andThen(b -> b.setUnit(unit));
      return this;
    }

    @Override
    public DoubleUpDownCounterBuilder ofDoubles() {
      throw notOffered("double up-down counters");
    }

    @Override
    public LongUpDownCounter build() {
      return new LateInstruments.UpDownCounter(telemetry, recipe.andThen(LongUpDownCounterBuilder::build));
    }

    @Override
    public ObservableLongUpDownCounter buildWithCallback(Consumer<ObservableLongMeasurement> callback) {
      return LateInstruments.observe(telemetry, recipe.andThen(b -> b.buildWithCallback(callback)));
    }
  }

  private static final class Histogram implements DoubleHistogramBuilder {
    private final Telemetry telemetry;
    private Function<Meter, DoubleHistogramBuilder> recipe;

    Histogram(Telemetry telemetry, Function<Meter, DoubleHistogramBuilder> recipe) {
      this.telemetry = telemetry;
      this.recipe = recipe;
    }

    @Override
    public DoubleHistogramBuilder setDescription(String description) {
      recipe = recipe.andThen(b -> b.setDescription(description));
      return this;
    }

    @Override
    public DoubleHistogramBuilder setUnit(String unit) {
      recipe = recipe.andThen(b -> b.setUnit(unit));
      return this;
    }

    @Override
    public DoubleHistogramBuilder setExplicitBucketBoundariesAdvice(List<Double> boundaries) {
      recipe = recipe.andThen(b -> b.setExplicitBucketBoundariesAdvice(boundaries));
      return this;
    }

    @Override
    public LongHistogramBuilder ofLongs() {
      return new LongValuedHistogram(telemetry, recipe.andThen(DoubleHistogramBuilder::ofLongs));
    }

    @Override
    public DoubleHistogram build() {
      return new LateInstruments.Histogram(telemetry, recipe.andThen(DoubleHistogramBuilder::build));
    }
  }

  private static final class LongValuedHistogram implements LongHistogramBuilder {
    private final Telemetry telemetry;
    private Function<Meter, LongHistogramBuilder> recipe;

    LongValuedHistogram(Telemetry telemetry, Function<Meter, LongHistogramBuilder> recipe) {
      this.telemetry = telemetry;
      this.recipe = recipe;
    }

    @Override
    public LongHistogramBuilder setDescription(String description) {
      recipe = recipe.andThen(b -> b.setDescription(description));
      return this;
    }

    @Override
    public LongHistogramBuilder setUnit(String unit) {
      recipe = recipe.andThen(b -> b.setUnit(unit));
      return this;
    }

    @Override
    public LongHistogramBuilder setExplicitBucketBoundariesAdvice(List<Long> boundaries) {
      recipe = recipe.andThen(b -> b.setExplicitBucketBoundariesAdvice(boundaries));
      return this;
    }

    @Override
    public LongHistogram build() {
      return new LateInstruments.LongValuedHistogram(telemetry, recipe.andThen(LongHistogramBuilder::build));
    }
  }
}
