package dev.stallwatch.testapps;

import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.implementation.FixedValue;
import net.bytebuddy.matcher.ElementMatchers;

/**
 * An application that ships its own OpenTelemetry SDK and Byte Buddy (other versions than the agent's) and registers
 * the global OpenTelemetry itself, which throws if anything registered one before it.
 */
public final class OwnOpenTelemetryAndByteBuddy {
  public static void main(String[] args) throws Exception {
    List<SpanData> exported = new CopyOnWriteArrayList<>();
    SpanExporter collecting = new SpanExporter() {
      @Override
      public CompletableResultCode export(Collection<SpanData> spans) {
        exported.addAll(spans);
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
    };
    OpenTelemetrySdk.builder()
        .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(collecting)).build())
        .buildAndRegisterGlobal();
    Span span = GlobalOpenTelemetry.getTracer("app").spanBuilder("app-work").startSpan();
    span.end();
    System.out.println("app spans: " + exported.size() + " " + exported.get(0).getName());

    Class<?> generated = new ByteBuddy()
        .subclass(Object.class)
        .method(ElementMatchers.named("toString"))
        .intercept(FixedValue.value("made by the app's Byte Buddy"))
        .make()
        .load(OwnOpenTelemetryAndByteBuddy.class.getClassLoader())
        .getLoaded();
    System.out.println(generated.getDeclaredConstructor().newInstance());
    System.out.println("byte buddy from " + ByteBuddy.class.getProtectionDomain().getCodeSource().getLocation());
    System.out.println("opentelemetry sdk from "
        + OpenTelemetrySdk.class.getProtectionDomain().getCodeSource().getLocation());
  }
}
