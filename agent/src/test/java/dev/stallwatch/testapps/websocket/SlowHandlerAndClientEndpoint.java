package dev.stallwatch.testapps.websocket;

import jakarta.websocket.ClientEndpoint;
import jakarta.websocket.ContainerProvider;
import jakarta.websocket.OnMessage;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;
import java.net.URI;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A handler that takes far longer than its budget (a runaway while it runs), called by a Jakarta client endpoint
 * (Tomcat's own client): the client side's handler is traced too. Tomcat on 127.0.0.1, a free port.
 */
public final class SlowHandlerAndClientEndpoint {
  static final CountDownLatch replied = new CountDownLatch(1);

  public static void main(String[] args) throws Exception {
    try (EmbeddedTomcat tomcat = new EmbeddedTomcat(container -> container.addEndpoint(SlowEndpoint.class))) {
      Session session = ContainerProvider.getWebSocketContainer().connectToServer(ReplyListener.class,
          URI.create(tomcat.baseUri() + "/slow"));
      session.getBasicRemote().sendText("rewrite everything");
      System.out.println(replied.await(20, TimeUnit.SECONDS) ? "reply received" : "no reply");
      session.close();
      Thread.sleep(500);
    }
    System.out.println("done");
  }

  /** Takes 2 s for a message: past a runaway threshold of 500 ms. */
  @ServerEndpoint("/slow")
  public static final class SlowEndpoint {
    @OnMessage
    public String rewriteEverything(String request) throws InterruptedException {
      Thread.sleep(2_000);
      return "rewritten";
    }
  }

  /** The client side: its message handler is a WebSocket handler like any other. */
  @ClientEndpoint
  public static final class ReplyListener {
    @OnMessage
    public void reply(String reply) {
      replied.countDown();
    }
  }
}
