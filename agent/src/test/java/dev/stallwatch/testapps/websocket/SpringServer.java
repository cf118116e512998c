package dev.stallwatch.testapps.websocket;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.web.socket.BinaryMessage;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.config.annotation.EnableWebSocket;
import org.springframework.web.socket.config.annotation.WebSocketConfigurer;
import org.springframework.web.socket.config.annotation.WebSocketHandlerRegistry;
import org.springframework.web.socket.handler.AbstractWebSocketHandler;
import org.springframework.web.socket.handler.TextWebSocketHandler;
import org.springframework.web.socket.server.standard.ServletServerContainerFactoryBean;

/**
 * The block-rewrite service as a Spring Boot application (Spring's WebSocket handlers on its embedded Tomcat,
 * 127.0.0.1, a free port), then the client scenario. A handler that throws has its session closed with 1011 by
 * Spring itself.
 */
@SpringBootApplication(proxyBeanMethods = false)
@EnableWebSocket
public class SpringServer implements WebSocketConfigurer {
  public static void main(String[] args) throws Exception {
    ConfigurableApplicationContext context = SpringApplication.run(SpringServer.class,
        "--server.port=0", "--server.address=127.0.0.1", "--spring.main.banner-mode=off",
        "--logging.level.root=WARN");
    String port = context.getEnvironment().getProperty("local.server.port");
    ClientScenario.run("ws://127.0.0.1:" + port, Integer.parseInt(args[0]));
    context.close();
    System.out.println("done");
  }

  /** Room for the scenario's 100,000-character message, which Tomcat hands to Spring whole. */
  @Bean
  public ServletServerContainerFactoryBean createWebSocketContainer() {
    ServletServerContainerFactoryBean container = new ServletServerContainerFactoryBean();
    container.setMaxTextMessageBufferSize(256 * 1024);
    return container;
  }

  @Override
  public void registerWebSocketHandlers(WebSocketHandlerRegistry registry) {
    registry.addHandler(new RewriteHandler(), "/rewrite/{document}");
    registry.addHandler(new EchoHandler(), "/echo");
    registry.addHandler(new BareHandler(), "/bare");
    registry.addHandler(new GrandchildHandler(), "/grand");
    registry.addHandler(new LengthHandler(), "/partial");
  }

  /** Handles messages only; a "throw" message throws. */
  public static final class BareHandler extends TextWebSocketHandler {
    @Override
    protected void handleTextMessage(WebSocketSession session, TextMessage message) throws Exception {
      if (message.getPayload().startsWith("throw")) {
        throw new IllegalArgumentException("bare handler failed");
      }
      session.sendMessage(new TextMessage(message.getPayload()));
    }
  }

  /** Between Spring's handler base and the application's handler. */
  public abstract static class BaseHandler extends AbstractWebSocketHandler {}

  /** Two levels below Spring's AbstractWebSocketHandler: echoes text and binary. */
  public static final class GrandchildHandler extends BaseHandler {
    @Override
    protected void handleTextMessage(WebSocketSession session, TextMessage message) throws Exception {
      session.sendMessage(new TextMessage(message.getPayload()));
    }

    @Override
    protected void handleBinaryMessage(WebSocketSession session, BinaryMessage message) throws Exception {
      session.sendMessage(new BinaryMessage(message.getPayload()));
    }
  }

  /** Replies with the length of each (whole) message. */
  public static final class LengthHandler extends TextWebSocketHandler {
    @Override
    protected void handleTextMessage(WebSocketSession session, TextMessage message) throws Exception {
      session.sendMessage(new TextMessage("received " + message.getPayload().length()));
    }
  }

  /** Rewrites blocks; a corrupt one throws. */
  public static final class RewriteHandler extends TextWebSocketHandler {
    @Override
    public void afterConnectionEstablished(WebSocketSession session) {
      session.getAttributes().put("document", session.getUri());
    }

    @Override
    protected void handleTextMessage(WebSocketSession session, TextMessage message) throws Exception {
      if (message.getPayload().startsWith("corrupt")) {
        throw new IllegalStateException("block cannot be rewritten");
      }
      session.sendMessage(new TextMessage(rewriteBlock(message.getPayload())));
    }

    static String rewriteBlock(String block) {
      return block.toUpperCase();
    }

    @Override
    public void afterConnectionClosed(WebSocketSession session, CloseStatus status) {
      System.out.println("server saw close " + status.getCode());
    }
  }

  /** Echoes. */
  public static final class EchoHandler extends TextWebSocketHandler {
    @Override
    public void afterConnectionEstablished(WebSocketSession session) {
      session.getAttributes().put("echo", true);
    }

    @Override
    protected void handleTextMessage(WebSocketSession session, TextMessage message) throws Exception {
      session.sendMessage(new TextMessage(message.getPayload()));
    }

    @Override
    public void afterConnectionClosed(WebSocketSession session, CloseStatus status) {
      System.out.println("server saw close " + status.getCode());
    }
  }
}
