package dev.stallwatch.telemetry;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.LongHistogram;
import io.opentelemetry.api.metrics.LongUpDownCounter;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.metrics.ObservableLongCounter;
import io.opentelemetry.api.metrics.ObservableLongUpDownCounter;
import io.opentelemetry.context.Context;
import java.util.function.Function;

/**
 * The instruments {@link PendingMeter} builds: each is made on the SDK's meter at its first use (waiting for the
 * build if it is still running, see {@link Telemetry}) and used directly from then on. Two threads using one for the
 * first time at once may both make it; the SDK gives both the same storage for the same name and description.
 */
final class LateInstruments {
  private LateInstruments() {}

  /** Registers the callback instrument {@code recipe} makes as soon as the SDK is built; closing it unregisters. */
  static Observed observe(Telemetry telemetry, Function<Meter, ? extends AutoCloseable> recipe) {
    Observed observed = new Observed();
    telemetry.whenReady(parts -> observed.registered(recipe.apply(parts.meter())));
    return observed;
  }

  /** An instrument that is made once, from the SDK's meter, when first used. */
  private abstract static class Late<T> {
    private final Telemetry telemetry;
    private final Function<Meter, T> recipe;
    private volatile T made;

    Late(Telemetry telemetry, Function<Meter, T> recipe) {
      this.telemetry = telemetry;
      this.recipe = recipe;
    }

    final T made() {
      T instrument = made;
      if (instrument == null) {
        instrument = recipe.apply(telemetry.parts().meter());
        made = instrument;
      }
      return instrument;
    }
  }

  static final class Counter extends Late<LongCounter> implements LongCounter {
    Counter(Telemetry telemetry, Function<Meter, LongCounter> recipe) {
      super(telemetry, recipe);
    }

    @Override
    public void add(long value) {
      made().add(value);
    }

    @Override
    public void add(long value, Attributes attributes) {
      made().add(value, attributes);
    }

    @Override
    public void add(long value, Attributes attributes, Context context) {
      made().add(value, attributes, context);
    }

    @Override
    public boolean isEnabled() {
      return made().isEnabled();
    }
  }

  static final class UpDownCounter extends Late<LongUpDownCounter> implements LongUpDownCounter {
    UpDownCounter(Telemetry telemetry, Function<Meter, LongUpDownCounter> recipe) {
      super(telemetry, recipe);
    }

    @Override
    public void add(long value) {
      made().add(value);
    }

    @Override
    public void add(long value, Attributes attributes) {
      made().add(value, attributes);
    }

    @Override
    public void add(long value, Attributes attributes, Context context) {
      made().add(value, attributes, context);
    }

    @Override
    public boolean isEnabled() {
      return made().isEnabled();
    }
  }

  static final class Histogram extends Late<DoubleHistogram> implements DoubleHistogram {
    Histogram(Telemetry telemetry, Function<Meter, DoubleHistogram> recipe) {
      super(telemetry, recipe);
    }

    @Override
    public void record(double value) {
      made().record(value);
    }

    @Override
    public void record(double value, Attributes attributes) {
      made().record(value, attributes);
    }

    @Override
    public void record(double value, Attributes attributes, Context context) {
      made().record(value, attributes, context);
    }

    @Override
    public boolean isEnabled() {
      return made().isEnabled();
    }
  }

  static final class LongValuedHistogram extends Late<LongHistogram> implements LongHistogram {
    LongValuedHistogram(Telemetry telemetry, Function<Meter, LongHistogram> recipe) {
      super(telemetry, recipe);
    }

    @Override
    public void record(long value) {
      made().record(value);
    }

    @Override
    public void record(long value, Attributes attributes) {
      made().record(value, attributes);
    }

    @Override
    public void record(long value, Attributes attributes, Context context) {
      made().record(value, attributes, context);
    }

    @Override
    public boolean isEnabled() {
      return made().isEnabled();
    }
  }

  /** A callback instrument registered once the SDK is built; closed before then, it is never registered. */
  static final class Observed implements ObservableLongCounter, ObservableLongUpDownCounter {
    private AutoCloseable registered;
    private boolean closed;

    synchronized void registered(AutoCloseable instrument) {
      if (closed) {
        closeQuietly(instrument);
      } else {
        registered = instrument;
      }
    }

    @Override
    public synchronized void close() {
      closed = true;
      if (registered != null) {
        closeQuietly(registered);
        registered = null;
      }
    }

    private static void closeQuietly(AutoCloseable instrument) {
      try {
        instrument.close();
      } catch (Exception e) {
        // the SDK's callback instruments do not throw on close
      }
    }
  }
}
