package dev.stallwatch.telemetry;

import io.opentelemetry.common.ComponentLoader;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.export.HttpResponse;
import io.opentelemetry.sdk.common.export.HttpSender;
import io.opentelemetry.sdk.common.export.HttpSenderConfig;
import io.opentelemetry.sdk.common.export.HttpSenderProvider;
import io.opentelemetry.sdk.common.export.MessageWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The SDK's component loader with one change: each OTLP/HTTP exporter's sender is made at its first export, on the
 * exporter's own thread, instead of while the SDK is built in {@code premain}. Making the first one loads and starts
 * OkHttp (its client, dispatcher, URL parser, Kotlin and Okio underneath), about a third of the SDK's start-up on the
 * application's main thread; the first export comes seconds later (spans every 5 s, metrics every 60 s, logs
 * every second, each only when there is something to send). Every setting reaches the real sender unchanged.
 */
final class DeferredHttpSenders implements ComponentLoader {
  private final ComponentLoader loader;

  DeferredHttpSenders(ComponentLoader loader) {
    this.loader = loader;
  }

  @Override
  public <T> Iterable<T> load(Class<T> type) {
    Iterable<T> loaded = loader.load(type);
    if (type != HttpSenderProvider.class) {
      return loaded;
    }
    List<T> deferred = new ArrayList<>();
    for (T provider : loaded) {
      deferred.add(type.cast(new Provider((HttpSenderProvider) provider)));
    }
    return deferred;
  }

  private record Provider(HttpSenderProvider provider) implements HttpSenderProvider {
    @Override
    public HttpSender createSender(HttpSenderConfig config) {
      return new Deferred(provider, config);
    }
  }

  /** A sender that makes the real one when it is first asked to send. */
  static final class Deferred implements HttpSender {
    private final HttpSenderProvider provider;
    private final HttpSenderConfig config;
    private HttpSender sender; // guarded by this
    private boolean shutDown; // guarded by this

    Deferred(HttpSenderProvider provider, HttpSenderConfig config) {
      this.provider = provider;
      this.config = config;
    }

    @Override
    public void send(MessageWriter messageWriter, Consumer<HttpResponse> onResponse, Consumer<Throwable> onError) {
      HttpSender real;
      synchronized (this) {
        if (sender == null && !shutDown) {
          sender = provider.createSender(config);
        }
        real = sender;
      }
      if (real == null) {
        onError.accept(new IllegalStateException("the exporter was shut down before its first export"));
        return;
      }
      real.send(messageWriter, onResponse, onError);
    }

    @Override
    public CompletableResultCode shutdown() {
      HttpSender real;
      synchronized (this) {
        shutDown = true;
        real = sender;
      }
      return real == null ? CompletableResultCode.ofSuccess() : real.shutdown();
    }

    /** True once the real sender exists (for tests). */
    synchronized boolean isMade() {
      return sender != null;
    }
  }
}
