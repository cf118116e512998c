package dev.stallwatch.telemetry;

import dev.stallwatch.log.AgentLog;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.logs.Logger;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.trace.Tracer;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import java.util.function.Supplier;

/**
 * Where every span, metric and log record of stallwatch goes: the tracer, meter and logger of one OpenTelemetry,
 * which is either stallwatch's own SDK ({@link OwnSdk}) or the OpenTelemetry Java agent's ({@link
 * OpenTelemetryAgent}). Features see only this; which of the two it is was settled by the launcher, which loaded
 * the agent's classes either against the relocated API stallwatch carries or against the one the OpenTelemetry agent
 * put into the boot class loader.
 *
 * <p>The own SDK is built on a thread of its own ({@link #building}), because its autoconfiguration is most of the
 * agent's start-up and would otherwise hold the application's main thread in {@code premain}. Until it is there,
 * features get stand-ins ({@link PendingTracer}, {@link PendingMeter}, {@link PendingLogger}) and use them as they
 * would the real ones: an instrument is made on the SDK's meter when first used, a callback is registered as soon as
 * the SDK is built, and the first span or record asked for before then waits for the build (at most
 * {@link #MAX_BUILD_NANOS} after it began) — the wait {@code premain} used to make, now made only by a thread that
 * traces something that early. Nothing recorded is dropped; if the SDK is not there in time, one line says export is
 * off and what is recorded goes nowhere, as when the SDK cannot start at all.
 */
public final class Telemetry {
  /** How long after the build began a caller waits for it; autoconfiguration takes ~0.2 s on a quiet machine. */
  static final long MAX_BUILD_NANOS = TimeUnit.SECONDS.toNanos(10);
  private static final long POLL_NANOS = TimeUnit.MICROSECONDS.toNanos(200);

  private final boolean openTelemetryAgent;
  private final long buildBegan = System.nanoTime();
  private final Queue<Consumer<TelemetryParts>> whenReady = new ConcurrentLinkedQueue<>();
  private final Tracer tracer;
  private final Meter meter;
  private final Logger logger;
  private volatile TelemetryParts parts;

  private Telemetry(TelemetryParts ready, boolean openTelemetryAgent) {
    this.openTelemetryAgent = openTelemetryAgent;
    this.parts = ready;
    tracer = ready != null ? ready.tracer() : new PendingTracer(this);
    meter = ready != null ? ready.meter() : new PendingMeter(this);
    logger = ready != null ? ready.logger() : new PendingLogger(this);
  }

  /** An OpenTelemetry that is there already (the OpenTelemetry Java agent's). */
  static Telemetry ready(OpenTelemetry otel, String version, LongConsumer shutdown, boolean openTelemetryAgent) {
    return new Telemetry(TelemetryParts.of(otel, version, shutdown), openTelemetryAgent);
  }

  /**
   * An OpenTelemetry that {@code build} makes on a new daemon thread, which inherits the caller's context class
   * loader (so the SDK's threads are known as the agent's). {@code build} must not throw for a bad setting: it
   * returns the parts of an SDK that exports nothing, having said why.
   */
  static Telemetry building(String threadName, Supplier<TelemetryParts> build) {
    Telemetry telemetry = new Telemetry(null, false);
    Thread builder = new Thread(() -> {
      TelemetryParts built;
      try {
        built = build.get();
      } catch (Throwable t) {
        AgentLog.line("OpenTelemetry export is off: the SDK could not be built (" + t + "); detections still go to "
            + "stderr");
        built = TelemetryParts.NOTHING;
      }
      telemetry.settle(built, false);
    }, threadName);
    builder.setDaemon(true);
    builder.start();
    return telemetry;
  }

  /**
   * The OpenTelemetry Java agent's OpenTelemetry when stallwatch was loaded to join it, else stallwatch's own SDK
   * built from the {@code otel.*} settings.
   *
   * @param defaultServiceName for the own SDK, used when neither {@code otel.service.name} nor a
   *     {@code service.name} resource attribute is set
   */
  public static Telemetry start(String defaultServiceName, String version) {
    return start(defaultServiceName, version, Map.of());
  }

  /**
   * As {@link #start(String, String)}, with {@code otel.*} settings given as the agent's arguments, which win over
   * the same keys in system properties and the environment. The JVM's system properties are left as they are: the
   * application may read {@code otel.*} itself, for an SDK of its own.
   */
  public static Telemetry start(String defaultServiceName, String version, Map<String, String> otelArguments) {
    if (OpenTelemetryAgent.joined()) {
      if (!otelArguments.isEmpty()) {
        AgentLog.line("the agent arguments " + String.join(", ", otelArguments.keySet()) + " are ignored: "
            + "stallwatch uses the OpenTelemetry Java agent's SDK, which that agent configured at its start");
      }
      return OpenTelemetryAgent.telemetry(version);
    }
    return OwnSdk.start(defaultServiceName, version, otelArguments);
  }

  /** True when this is the OpenTelemetry Java agent's OpenTelemetry, not stallwatch's own SDK. */
  public boolean isOpenTelemetryAgent() {
    return openTelemetryAgent;
  }

  public Tracer tracer() {
    return tracer;
  }

  public Meter meter() {
    return meter;
  }

  public Logger logger() {
    return logger;
  }

  /** True once the SDK is built (or given up on); until then the tracer, meter and logger are stand-ins. */
  boolean isSettled() {
    return parts != null;
  }

  /**
   * Flushes what is buffered and stops the exporters, waiting at most {@code seconds}; the OpenTelemetry agent's SDK
   * is that agent's to flush and stop, at its own shutdown.
   */
  public void shutdown(long seconds) {
    parts().shutdown().accept(seconds);
  }

  /** The built parts, waiting for the build if it is still running (see the class comment). */
  TelemetryParts parts() {
    TelemetryParts settled = parts;
    return settled != null ? settled : awaitBuild();
  }

  /** Runs {@code action} with the built parts: now if they are there, else on the builder's thread once they are. */
  void whenReady(Consumer<TelemetryParts> action) {
    TelemetryParts settled = parts;
    if (settled != null) {
      action.accept(settled);
      return;
    }
    whenReady.add(action);
    settled = parts;
    if (settled != null) {
      runWaiting(settled); // settled between the two reads: the builder may have drained the queue before the add
    }
  }

  private TelemetryParts awaitBuild() {
    TelemetryParts settled;
    while ((settled = parts) == null) {
      if (System.nanoTime() - buildBegan > MAX_BUILD_NANOS) {
        AgentLog.line("OpenTelemetry export is off: the SDK was not built within "
            + TimeUnit.NANOSECONDS.toSeconds(MAX_BUILD_NANOS) + " s of the agent's start; detections still go to "
            + "stderr");
        settle(TelemetryParts.NOTHING, true);
        continue;
      }
      // Not a lock: no JDK lock hook sees it, and an interrupted caller (whose park returns at once) only spins.
      LockSupport.parkNanos(POLL_NANOS);
    }
    return settled;
  }

  /**
   * Publishes the parts once: the first to settle wins. A build that ends after a caller gave up on it shuts its SDK
   * down again, since nothing will use it.
   */
  private synchronized void settle(TelemetryParts settled, boolean givingUp) {
    if (parts != null) {
      if (!givingUp) {
        settled.shutdown().accept(1);
      }
      return;
    }
    parts = settled;
    runWaiting(settled);
  }

  private void runWaiting(TelemetryParts settled) {
    for (Consumer<TelemetryParts> action; (action = whenReady.poll()) != null; ) {
      try {
        action.accept(settled);
      } catch (RuntimeException | LinkageError e) {
        AgentLog.line("a metric callback could not be registered with the SDK (" + e + ")");
      }
    }
  }
}
