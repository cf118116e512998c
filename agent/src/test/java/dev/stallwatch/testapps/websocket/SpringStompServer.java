package dev.stallwatch.testapps.websocket;

import java.lang.reflect.Type;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.messaging.converter.StringMessageConverter;
import org.springframework.messaging.handler.annotation.DestinationVariable;
import org.springframework.messaging.handler.annotation.MessageExceptionHandler;
import org.springframework.messaging.handler.annotation.MessageMapping;
import org.springframework.messaging.handler.annotation.SendTo;
import org.springframework.messaging.simp.annotation.SubscribeMapping;
import org.springframework.messaging.simp.config.MessageBrokerRegistry;
import org.springframework.messaging.simp.stomp.StompFrameHandler;
import org.springframework.messaging.simp.stomp.StompHeaders;
import org.springframework.messaging.simp.stomp.StompSession;
import org.springframework.messaging.simp.stomp.StompSessionHandlerAdapter;
import org.springframework.stereotype.Controller;
import org.springframework.web.socket.client.standard.StandardWebSocketClient;
import org.springframework.web.socket.config.annotation.EnableWebSocketMessageBroker;
import org.springframework.web.socket.config.annotation.StompEndpointRegistry;
import org.springframework.web.socket.config.annotation.WebSocketMessageBrokerConfigurer;
import org.springframework.web.socket.messaging.WebSocketStompClient;

/**
 * A Spring Boot STOMP chat (Spring's simple broker on {@code /topic}, application destinations under {@code /app},
 * the STOMP endpoint {@code /stomp} on the embedded Tomcat, 127.0.0.1, a free port), then two real clients: Spring's
 * {@code WebSocketStompClient} over the standard (Jakarta, Tomcat's) WebSocket client subscribes, sends chat lines
 * to two rooms, a message whose handler throws, one whose exception an {@code @MessageExceptionHandler} handles, a
 * slow one (the handler sleeps {@code args[0]} ms), and disconnects; and the JDK's WebSocket client connects with a
 * bare {@code CONNECT} frame, once to send {@code DISCONNECT} and wait for the server's close, once to drop the connection
 * without a close frame. Every payload carries
 * {@code PAYLOAD-SECRET}, which must never reach telemetry.
 */
@SpringBootApplication(proxyBeanMethods = false)
@EnableWebSocketMessageBroker
public class SpringStompServer implements WebSocketMessageBrokerConfigurer {
  public static void main(String[] args) throws Exception {
    long slowMillis = Long.parseLong(args[0]);
    ConfigurableApplicationContext context = SpringApplication.run(SpringStompServer.class,
        "--server.port=0", "--server.address=127.0.0.1", "--spring.main.banner-mode=off",
        "--logging.level.root=WARN", "--stomp.slow.millis=" + slowMillis);
    try {
      String port = context.getEnvironment().getProperty("local.server.port");
      chat("ws://127.0.0.1:" + port + "/stomp");
      raw("ws://127.0.0.1:" + port + "/stomp", true);
      raw("ws://127.0.0.1:" + port + "/stomp", false);
      Thread.sleep(1_000); // the server's close of the dropped session, and a metric export (300 ms in the tests)
    } finally {
      context.close();
    }
    System.out.println("done");
  }

  @Override
  public void registerStompEndpoints(StompEndpointRegistry registry) {
    registry.addEndpoint("/stomp");
  }

  @Override
  public void configureMessageBroker(MessageBrokerRegistry registry) {
    registry.enableSimpleBroker("/topic");
    registry.setApplicationDestinationPrefixes("/app");
  }

  /** The application's STOMP controller. */
  @Controller
  public static class ChatController {
    private final long slowMillis;

    public ChatController(org.springframework.core.env.Environment environment) {
      slowMillis = Long.parseLong(environment.getProperty("stomp.slow.millis", "0"));
    }

    @MessageMapping("/chat/{room}")
    @SendTo("/topic/chat")
    public String chat(@DestinationVariable("room") String room, String line) {
      return "reply " + line.length();
    }

    @SubscribeMapping("/greeting")
    public String greeting() {
      return "hello";
    }

    @MessageMapping("/fail")
    public void fail(String line) {
      throw new IllegalStateException("chat line cannot be handled");
    }

    @MessageMapping("/handled")
    public void handled(String line) {
      throw new IllegalArgumentException("rejected chat line");
    }

    @MessageExceptionHandler(IllegalArgumentException.class)
    public void rejected(IllegalArgumentException e) {
      System.out.println("handled " + e.getMessage());
    }

    @MessageMapping("/slow")
    @SendTo("/topic/chat")
    public String slow(String line) throws InterruptedException {
      Thread.sleep(slowMillis);
      return "slow reply";
    }
  }

  /** Spring's STOMP client: subscriptions, sends, and a DISCONNECT. */
  static void chat(String uri) throws Exception {
    WebSocketStompClient client = new WebSocketStompClient(new StandardWebSocketClient());
    client.setMessageConverter(new StringMessageConverter());
    StompSession session = client.connectAsync(uri, new StompSessionHandlerAdapter() {})
        .get(30, TimeUnit.SECONDS);
    BlockingQueue<String> chat = new LinkedBlockingQueue<>();
    BlockingQueue<String> greetings = new LinkedBlockingQueue<>();
    session.subscribe("/topic/chat", collector(chat));
    session.subscribe("/app/greeting", collector(greetings));
    System.out.println("greeting " + take(greetings));
    Thread.sleep(500); // the subscription to /topic/chat is registered with the broker
    for (int i = 0; i < 5; i++) {
      session.send("/app/chat/room-1", "line " + i + " PAYLOAD-SECRET");
      System.out.println("chat " + take(chat));
    }
    session.send("/app/chat/room-2", "line PAYLOAD-SECRET");
    System.out.println("chat " + take(chat));
    session.send("/app/fail", "bad line PAYLOAD-SECRET");
    session.send("/app/handled", "rejected line PAYLOAD-SECRET");
    session.send("/app/slow", "slow line PAYLOAD-SECRET");
    System.out.println("chat " + take(chat));
    Thread.sleep(500);
    session.disconnect();
    System.out.println("disconnected");
    client.stop();
  }

  /**
   * The JDK's client: a bare CONNECT frame and the CONNECTED reply; then either a DISCONNECT, waiting for the server
   * to end the session (Spring's broker answers with an ERROR frame and closes with 1002), or the connection dropped
   * without a close frame.
   */
  static void raw(String uri, boolean disconnect) throws Exception {
    CompletableFuture<String> connected = new CompletableFuture<>();
    CompletableFuture<Integer> closed = new CompletableFuture<>();
    WebSocket socket = HttpClient.newHttpClient().newWebSocketBuilder()
        .buildAsync(URI.create(uri), new WebSocket.Listener() {
          private final StringBuilder text = new StringBuilder();

          @Override
          public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
              connected.complete(text.toString());
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
        }).get(30, TimeUnit.SECONDS);
    socket.sendText("CONNECT\naccept-version:1.2\nhost:127.0.0.1\n\n\0", true).get(10, TimeUnit.SECONDS);
    String reply = connected.get(30, TimeUnit.SECONDS);
    System.out.println("raw client got " + reply.substring(0, reply.indexOf('\n')));
    if (disconnect) {
      socket.sendText("DISCONNECT\n\n\0", true).get(10, TimeUnit.SECONDS);
      System.out.println("raw client disconnected; the server closed with " + closed.get(30, TimeUnit.SECONDS));
      socket.abort();
    } else {
      socket.abort();
      System.out.println("raw client dropped");
    }
  }

  static StompFrameHandler collector(BlockingQueue<String> into) {
    return new StompFrameHandler() {
      @Override
      public Type getPayloadType(StompHeaders headers) {
        return String.class;
      }

      @Override
      public void handleFrame(StompHeaders headers, Object payload) {
        into.add(String.valueOf(payload));
      }
    };
  }

  static String take(BlockingQueue<String> queue) throws InterruptedException {
    String value = queue.poll(60, TimeUnit.SECONDS);
    if (value == null) {
      throw new IllegalStateException("no reply within 60 s");
    }
    return value;
  }
}
