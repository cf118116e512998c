package dev.stallwatch.benchmarks;

import jakarta.websocket.OnMessage;
import jakarta.websocket.server.ServerEndpoint;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * What the WebSocket instrumentation costs per message on the handler's own thread, without the network around it:
 * the annotated endpoint's {@code @OnMessage} method called directly, as the container calls it. With the agent that
 * call is a span, the message counter and size and duration histograms, and an entry the runaway watchdog scans; its
 * returned reply is counted as a send. {@link WebSocketBenchmarks} measures a whole loopback round trip instead,
 * where this cost disappears in the network's variation; this one shows it, in CPU time and (with {@code -prof gc})
 * bytes allocated per message: {@code java -jar benchmarks/target/benchmarks.jar agent/target/stallwatch-agent.jar
 * WebSocketHandlerBenchmarks 2}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class WebSocketHandlerBenchmarks {
  private final EchoEndpoint endpoint = new EchoEndpoint();
  private final String message = "block 1 of document 42";

  /** An annotated endpoint like the application's; the agent instruments it as it loads. */
  @ServerEndpoint("/echo")
  public static class EchoEndpoint {
    @OnMessage
    public String echo(String message) {
      return message;
    }
  }

  @Benchmark
  public String handlerCall() {
    return endpoint.echo(message);
  }
}
