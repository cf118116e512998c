package dev.stallwatch.benchmarks;

import jakarta.websocket.OnMessage;
import jakarta.websocket.server.ServerContainer;
import jakarta.websocket.server.ServerEndpoint;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.apache.catalina.Context;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.servlets.DefaultServlet;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.websocket.server.WsSci;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * What the WebSocket instrumentation costs per message: one text message to an annotated endpoint on embedded Tomcat
 * (127.0.0.1) and its reply, with the JDK's client; with the agent, the handler call is a span, metrics and a
 * runaway-watch entry. Run by {@link AgentOverhead} with and without the agent.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class WebSocketBenchmarks {
  private Tomcat tomcat;
  private WebSocket socket;
  private volatile CompletableFuture<CharSequence> reply;

  @ServerEndpoint("/echo")
  public static class EchoEndpoint {
    @OnMessage
    public String echo(String message) {
      return message;
    }
  }

  @Setup(Level.Trial)
  public void start() throws Exception {
    tomcat = new Tomcat();
    tomcat.setBaseDir(Files.createTempDirectory("tomcat-bench").toString());
    Connector connector = new Connector();
    connector.setPort(0);
    connector.setProperty("address", "127.0.0.1");
    tomcat.setConnector(connector);
    Context context = tomcat.addContext("", null);
    context.addServletContainerInitializer(new WsSci(), null);
    Tomcat.addServlet(context, "default", new DefaultServlet());
    context.addServletMappingDecoded("/", "default");
    tomcat.start();
    ((ServerContainer) context.getServletContext().getAttribute(ServerContainer.class.getName()))
        .addEndpoint(EchoEndpoint.class);
    socket = HttpClient.newHttpClient().newWebSocketBuilder()
        .buildAsync(URI.create("ws://127.0.0.1:" + connector.getLocalPort() + "/echo"), new WebSocket.Listener() {
          @Override
          public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            reply.complete(data);
            webSocket.request(1);
            return null;
          }
        }).get(10, TimeUnit.SECONDS);
  }

  @TearDown(Level.Trial)
  public void stop() throws Exception {
    socket.sendClose(WebSocket.NORMAL_CLOSURE, "").get(10, TimeUnit.SECONDS);
    tomcat.stop();
    tomcat.destroy();
  }

  @Benchmark
  public CharSequence messageRoundTrip() throws Exception {
    reply = new CompletableFuture<>();
    socket.sendText("block 1 of document 42", true).get(10, TimeUnit.SECONDS);
    return reply.get(10, TimeUnit.SECONDS);
  }
}
