package dev.stallwatch.testapps.websocket;

import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import jakarta.websocket.OnMessage;
import jakarta.websocket.server.ServerEndpoint;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * An application with the OpenTelemetry API and an SDK of its own (OpenTelemetry 1.40, not stallwatch's version), no
 * agent but stallwatch: it builds its tracer provider exporting over OTLP/HTTP to {@code args[0]} as service
 * {@code own-app}, registers it as the global OpenTelemetry (which throws if anything registered one before), and
 * makes a span of its own inside a WebSocket handler on embedded Tomcat, and one outside. One client sends one
 * message.
 */
public final class OwnSdkWebSocketApp {
  private OwnSdkWebSocketApp() {}

  public static void main(String[] args) throws Exception {
    SdkTracerProvider tracing = SdkTracerProvider.builder()
        .setResource(Resource.getDefault().merge(Resource.create(Attributes.of(
            AttributeKey.stringKey("service.name"), "own-app"))))
        .addSpanProcessor(SimpleSpanProcessor.create(OtlpHttpSpanExporter.builder()
            .setEndpoint(args[0] + "/v1/traces").build()))
        .build();
    OpenTelemetrySdk sdk = OpenTelemetrySdk.builder().setTracerProvider(tracing).buildAndRegisterGlobal();
    Tracer tracer = GlobalOpenTelemetry.getTracer("own-app");
    Span startup = tracer.spanBuilder("app-startup").startSpan();
    try (Scope ignored = startup.makeCurrent()) {
      tracer.spanBuilder("app-config").startSpan().end();
    } finally {
      startup.end();
    }
    try (EmbeddedTomcat tomcat = new EmbeddedTomcat(container -> container.addEndpoint(GreetEndpoint.class))) {
      CompletableFuture<String> reply = new CompletableFuture<>();
      WebSocket socket = HttpClient.newHttpClient().newWebSocketBuilder()
          .buildAsync(URI.create(tomcat.baseUri() + "/greet"), new WebSocket.Listener() {
            @Override
            public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
              reply.complete(data.toString());
              return null;
            }
          }).get(20, TimeUnit.SECONDS);
      socket.sendText("ada", true).get(10, TimeUnit.SECONDS);
      System.out.println("reply " + reply.get(30, TimeUnit.SECONDS));
      socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(10, TimeUnit.SECONDS);
      Thread.sleep(300);
    }
    // As an application with its own SDK ends: the SDK exports what it holds and stops its exporter's threads.
    sdk.getSdkTracerProvider().shutdown().join(10, TimeUnit.SECONDS);
    System.out.println("app sdk from "
        + OpenTelemetrySdk.class.getProtectionDomain().getCodeSource().getLocation());
    System.out.println("done");
    System.exit(0); // the JDK sender of OpenTelemetry 1.40 leaves a non-daemon thread of its HttpClient behind
  }

  /** The handler makes a span with the application's own tracer. */
  @ServerEndpoint("/greet")
  public static final class GreetEndpoint {
    @OnMessage
    public String greet(String name) {
      Span span = GlobalOpenTelemetry.getTracer("own-app").spanBuilder("app-greet").startSpan();
      try {
        return "hello " + name;
      } finally {
        span.end();
      }
    }
  }
}
