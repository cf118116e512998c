package dev.stallwatch.testapps.webflux;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.web.reactive.HandlerMapping;
import org.springframework.web.reactive.handler.SimpleUrlHandlerMapping;
import org.springframework.web.reactive.socket.WebSocketHandler;
import org.springframework.web.reactive.socket.WebSocketSession;
import org.springframework.web.server.WebFilter;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.context.Context;

/**
 * A Spring Boot WebFlux application on Reactor Netty (127.0.0.1, a free port) with reactive WebSocket handlers, and
 * the JDK's WebSocket client against it, in the same JVM:
 * <ul>
 *   <li>{@code /echo} ({@link EchoHandler}): three messages echoed with a value from the request's Reactor context,
 *       then the client closes with 1000;
 *   <li>{@code /slow} ({@link Slow#handler()}, a lambda): a {@code map} that blocks the event loop for 2.5 s;
 *   <li>{@code /fail} ({@link FailingHandler}): the pipeline fails with an {@code IllegalStateException};
 *   <li>{@code /ticks} ({@link TickHandler}): sends a tick every 50 ms until the client goes: one client closes
 *       normally after three ticks, another aborts its connection (neither is an error).
 * </ul>
 * Waits for the {@code websocket_error} detection in the detections file before it ends, so that the test does not
 * depend on the watchdog's timing.
 */
// A package of its own: the servlet Spring server's component scan must not find it, nor it that server.
@SpringBootApplication(proxyBeanMethods = false)
public class WebFluxServer {
  /** This application on Reactor Netty, on a free loopback port. */
  static ConfigurableApplicationContext start() {
    return SpringApplication.run(WebFluxServer.class,
        "--server.port=0", "--server.address=127.0.0.1", "--spring.main.banner-mode=off",
        "--spring.main.web-application-type=reactive", "--logging.level.root=WARN");
  }

  static String base(ConfigurableApplicationContext context) {
    return "ws://127.0.0.1:" + context.getEnvironment().getProperty("local.server.port");
  }

  public static void main(String[] args) throws Exception {
    ConfigurableApplicationContext context = start();
    String base = base(context);
    HttpClient http = HttpClient.newHttpClient();

    Client echo = Client.open(http, base + "/echo");
    for (int i = 1; i <= 3; i++) {
      echo.socket.sendText("hello " + i, true).join();
      System.out.println("reply " + echo.next());
    }
    echo.closeNormally("bye");

    Client slow = Client.open(http, base + "/slow");
    slow.socket.sendText("block", true).join();
    System.out.println("slow reply " + slow.next());
    slow.closeNormally("bye");

    Client fail = Client.open(http, base + "/fail");
    fail.socket.sendText("fail", true).join();
    System.out.println("fail closed " + fail.closed.get(30, TimeUnit.SECONDS));

    Client ticks = Client.open(http, base + "/ticks");
    for (int i = 0; i < 3; i++) {
      ticks.next();
    }
    ticks.closeNormally("enough");
    Client aborted = Client.open(http, base + "/ticks");
    aborted.next();
    aborted.next();
    aborted.socket.abort();
    System.out.println("ticks done");

    awaitDetection("websocket_error", Duration.ofSeconds(30));
    Thread.sleep(300); // the server's side of the last two closes
    context.close();
    System.out.println("done");
  }

  private static void awaitDetection(String kind, Duration timeout) throws Exception {
    String file = System.getProperty("stallwatch.detections.file");
    long deadline = System.nanoTime() + timeout.toNanos();
    while (file != null && System.nanoTime() < deadline) {
      Path path = Path.of(file);
      if (Files.exists(path) && Files.readString(path).contains("\"kind\":\"" + kind + "\"")) {
        return;
      }
      Thread.sleep(50);
    }
  }

  @Bean
  public HandlerMapping webSocketMapping() {
    return new SimpleUrlHandlerMapping(Map.of("/echo", new EchoHandler(), "/slow", Slow.handler(),
        "/fail", new FailingHandler(), "/ticks", new TickHandler()), -1);
  }

  /** Writes a value into the request's Reactor context, which Spring hands on to the WebSocket handler. */
  @Bean
  public WebFilter contextTag() {
    return (exchange, chain) -> chain.filter(exchange).contextWrite(Context.of("tag", "kept"));
  }

  /** Echoes every text message, with the value the request's Reactor context holds. */
  public static final class EchoHandler implements WebSocketHandler {
    @Override
    public Mono<Void> handle(WebSocketSession session) {
      return Mono.deferContextual(context -> session.send(session.receive().map(m -> session.textMessage(
          "echo " + m.getPayloadAsText() + " " + context.getOrDefault("tag", "(no context)")))));
    }
  }

  /** A handler written as a lambda, whose {@code map} blocks the event loop. */
  public static final class Slow {
    private Slow() {}

    public static WebSocketHandler handler() {
      return session -> session.send(session.receive().map(m -> {
        String text = m.getPayloadAsText();
        if (text.equals("block")) {
          sleep(2_500);
        }
        return session.textMessage("done " + text);
      }));
    }

    private static void sleep(long millis) {
      try {
        Thread.sleep(millis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** A pipeline that fails on a "fail" message. */
  public static final class FailingHandler implements WebSocketHandler {
    @Override
    public Mono<Void> handle(WebSocketSession session) {
      return session.receive().map(m -> {
        if (m.getPayloadAsText().equals("fail")) {
          throw new IllegalStateException("pipeline failed on purpose");
        }
        return m;
      }).then();
    }
  }

  /** Sends ticks until the client goes away. */
  public static final class TickHandler implements WebSocketHandler {
    @Override
    public Mono<Void> handle(WebSocketSession session) {
      return session.send(Flux.interval(Duration.ofMillis(50)).map(i -> session.textMessage("tick " + i)));
    }
  }

  /** The JDK's WebSocket client: text messages queued, the close the server sends. */
  static final class Client implements WebSocket.Listener {
    final LinkedBlockingQueue<String> messages = new LinkedBlockingQueue<>();
    final CompletableFuture<Integer> closed = new CompletableFuture<>();
    private final StringBuilder text = new StringBuilder();
    WebSocket socket;

    static Client open(HttpClient http, String uri) {
      Client client = new Client();
      client.socket = http.newWebSocketBuilder().buildAsync(URI.create(uri), client).join();
      return client;
    }

    String next() throws InterruptedException {
      String message = messages.poll(30, TimeUnit.SECONDS);
      if (message == null) {
        throw new IllegalStateException("no message within 30 s");
      }
      return message;
    }

    void closeNormally(String reason) throws Exception {
      socket.sendClose(WebSocket.NORMAL_CLOSURE, reason).join();
      closed.get(30, TimeUnit.SECONDS);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      text.append(data);
      if (last) {
        messages.add(text.toString());
        text.setLength(0);
      }
      webSocket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
      closed.complete(statusCode);
      return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
      closed.completeExceptionally(error);
    }
  }
}
