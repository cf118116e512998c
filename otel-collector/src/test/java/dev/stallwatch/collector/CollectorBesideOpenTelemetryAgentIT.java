package dev.stallwatch.collector;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stallwatch.sample.RewriteServiceUnderAgent;
import dev.stallwatch.sample.demo.DemoSettings;
import dev.stallwatch.sample.rewrite.RewriteSocketHandler;
import dev.stallwatch.testing.ForkedJvm;
import dev.stallwatch.testing.Jdk;
import dev.stallwatch.testing.OtlpReceiver;
import dev.stallwatch.testing.RunningJvm;
import io.opentelemetry.proto.trace.v1.Span;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The sample rewrite service under both agents (the real OpenTelemetry Java agent 2.33.1 first, then stallwatch, as
 * {@code demo.sh --with-otel-agent} runs it), exporting through the OpenTelemetry agent's SDK to the real collector
 * in a container: what comes out of the collector's trace exporter is one trace from stallwatch's WebSocket message
 * span through its block span to the OpenTelemetry agent's span of the provider's call, which runs on another thread
 * (the provider pool's) and was made by that agent's own instrumentation ({@link DemoSettings#OTEL_AGENT}).
 */
class CollectorBesideOpenTelemetryAgentIT {
  @Test
  void oneTraceFromWebSocketMessageThroughTheBlockToTheOpenTelemetryAgentsSpan() throws Exception {
    try (OtlpReceiver jaeger = new OtlpReceiver();
        RunningCollector collector = RunningCollector.start(jaeger.endpoint())) {
      ForkedJvm jvm = CollectorPipelineIT.exportingTo(collector, RewriteServiceUnderAgent.service(Jdk.current(), "none"))
          .jvmOptionBeforeAgent("-javaagent:" + ForkedJvm.openTelemetryAgentJar());
      DemoSettings.OTEL_AGENT.forEach(jvm::property);
      try (RunningJvm service = jvm.start()) {
        RewriteServiceUnderAgent.drive(service, Duration.ofSeconds(4));
        Thread.sleep(1_000);
        service.stop(Duration.ofSeconds(15));
      }

      Span provider = jaeger.awaitSpan(s -> s.getName().equals(DemoSettings.PROVIDER_SPAN)
          && !s.getParentSpanId().isEmpty(), Duration.ofSeconds(30));
      Span block = jaeger.awaitSpan(s -> s.getSpanId().equals(provider.getParentSpanId()), Duration.ofSeconds(10));
      assertThat(block.getName()).as("the OpenTelemetry agent's span's parent").isEqualTo("BlockRewriter.rewriteBlock");
      Span message = jaeger.awaitSpan(s -> s.getSpanId().equals(block.getParentSpanId()), Duration.ofSeconds(10));
      assertThat(message.getName()).as("the block's parent")
          .isEqualTo("websocket message " + RewriteSocketHandler.class.getName());
      assertThat(provider.getTraceId()).as("one trace").isEqualTo(block.getTraceId()).isEqualTo(message.getTraceId());
      assertThat(jaeger.resources()).as("one resource, the OpenTelemetry agent's, for stallwatch's spans and its own")
          .isNotEmpty()
          .allSatisfy(r -> assertThat(OtlpReceiver.attribute(r.getAttributesList(), "service.name"))
              .isEqualTo("rewrite-service"))
          .allSatisfy(r -> assertThat(OtlpReceiver.attribute(r.getAttributesList(), "telemetry.distro.name"))
              .isEqualTo("opentelemetry-java-instrumentation"));
    }
  }
}
