package dev.stallwatch.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.common.ComponentLoader;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.autoconfigure.spi.traces.ConfigurableSpanExporterProvider;
import io.opentelemetry.sdk.common.export.HttpSenderProvider;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The OTLP/HTTP sender made at the first export: the real OkHttp sender, to a real HTTP server on loopback. */
class DeferredHttpSendersTest {
  private final ComponentLoader classPath = ComponentLoader.forClassLoader(getClass().getClassLoader());
  private final ComponentLoader deferred = new DeferredHttpSenders(classPath);
  private final BlockingQueue<String> requests = new LinkedBlockingQueue<>();
  private HttpServer server;

  @BeforeEach
  void startServer() throws Exception {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", exchange -> {
      requests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath() + " "
          + exchange.getRequestBody().readAllBytes().length);
      exchange.sendResponseHeaders(200, -1);
      exchange.close();
    });
    server.start();
  }

  @AfterEach
  void stopServer() {
    server.stop(0);
  }

  @Test
  void theFirstExportMakesTheSenderAndDelivers() throws Exception {
    OtlpHttpSpanExporter exporter = OtlpHttpSpanExporter.builder()
        .setEndpoint("http://127.0.0.1:" + server.getAddress().getPort() + "/v1/traces")
        .setComponentLoader(deferred)
        .build();
    SdkTracerProvider tracing = SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(exporter))
        .build();

    tracing.get("test").spanBuilder("first").startSpan().end();

    String request = requests.poll(10, TimeUnit.SECONDS);
    assertThat(request).startsWith("POST /v1/traces ").doesNotEndWith(" 0");
    assertThat(tracing.shutdown().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
  }

  @Test
  void aSenderHandedToAnExporterMakesNoRealSenderYet() {
    HttpSenderProvider provider = deferred.load(HttpSenderProvider.class).iterator().next();
    DeferredHttpSenders.Deferred sender = (DeferredHttpSenders.Deferred) provider.createSender(null);

    assertThat(sender.isMade()).isFalse();
  }

  @Test
  void aSenderShutDownBeforeItsFirstSendIsNeverMadeAndSaysWhyItCannotSend() {
    HttpSenderProvider provider = deferred.load(HttpSenderProvider.class).iterator().next();
    DeferredHttpSenders.Deferred sender = (DeferredHttpSenders.Deferred) provider.createSender(null);
    List<Throwable> errors = new ArrayList<>();

    assertThat(sender.shutdown().isSuccess()).isTrue();
    sender.send(null, response -> {}, errors::add);

    assertThat(sender.isMade()).isFalse();
    assertThat(errors).singleElement().isInstanceOf(IllegalStateException.class);
  }

  @Test
  void everyOtherKindOfComponentIsLoadedAsTheClassPathHasIt() {
    assertThat(deferred.load(ConfigurableSpanExporterProvider.class))
        .extracting(p -> p.getClass().getName())
        .containsExactlyElementsOf(names(classPath.load(ConfigurableSpanExporterProvider.class)));
  }

  private static List<String> names(Iterable<?> components) {
    List<String> names = new ArrayList<>();
    components.forEach(c -> names.add(c.getClass().getName()));
    return names;
  }
}
