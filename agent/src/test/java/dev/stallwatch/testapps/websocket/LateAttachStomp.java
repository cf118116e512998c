package dev.stallwatch.testapps.websocket;

import dev.stallwatch.testapps.LateAttachProgram;
import java.nio.file.Paths;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.messaging.converter.StringMessageConverter;
import org.springframework.messaging.simp.stomp.StompSession;
import org.springframework.messaging.simp.stomp.StompSessionHandlerAdapter;
import org.springframework.web.socket.client.standard.StandardWebSocketClient;
import org.springframework.web.socket.messaging.WebSocketStompClient;

/**
 * The STOMP chat of {@link SpringStompServer} already serving before stallwatch is attached: Spring's STOMP client
 * subscribes and sends a chat line (so Spring's STOMP classes are loaded and used), and keeps its session open across
 * the attach. Then it waits for the file {@code args[0]}. After the attach, on the same session: one more chat line
 * and a message whose handler throws; then a new session of the JDK's client, which connects and disconnects, and the
 * old session disconnects.
 */
public final class LateAttachStomp {
  public static void main(String[] args) throws Exception {
    ConfigurableApplicationContext context = SpringApplication.run(SpringStompServer.class,
        "--server.port=0", "--server.address=127.0.0.1", "--spring.main.banner-mode=off",
        "--logging.level.root=WARN", "--stomp.slow.millis=0");
    try {
      String uri = "ws://127.0.0.1:" + context.getEnvironment().getProperty("local.server.port") + "/stomp";
      WebSocketStompClient client = new WebSocketStompClient(new StandardWebSocketClient());
      client.setMessageConverter(new StringMessageConverter());
      StompSession session = client.connectAsync(uri, new StompSessionHandlerAdapter() {})
          .get(60, TimeUnit.SECONDS);
      BlockingQueue<String> chat = new LinkedBlockingQueue<>();
      session.subscribe("/topic/chat", SpringStompServer.collector(chat));
      Thread.sleep(500); // the subscription is registered with the broker
      session.send("/app/chat/room-0", "line before");
      System.out.println("chat " + SpringStompServer.take(chat));
      System.out.println("serving before the attach; waiting");

      LateAttachProgram.awaitFile(Paths.get(args[0]));
      System.out.println("attached");
      session.send("/app/chat/room-1", "line after");
      System.out.println("chat " + SpringStompServer.take(chat));
      session.send("/app/fail", "bad line after");
      SpringStompServer.raw(uri, true);
      session.disconnect();
      client.stop();
      Thread.sleep(2_000); // the server's closes, and a metric export (300 ms in the test)
    } finally {
      context.close();
    }
    System.out.println("done");
  }
}
