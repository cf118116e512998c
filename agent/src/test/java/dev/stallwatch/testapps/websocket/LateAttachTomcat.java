package dev.stallwatch.testapps.websocket;

import dev.stallwatch.testapps.LateAttachProgram;
import jakarta.websocket.CloseReason;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnError;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;
import jakarta.websocket.server.ServerEndpointConfig;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Paths;
import java.util.concurrent.TimeUnit;

/**
 * An embedded Tomcat already serving before stallwatch is attached: the annotated {@code /late/{room}} endpoint and
 * the programmatic {@code /echo} (whose inner message handler class loads with its first session) are deployed and
 * each used by a session first, and the {@code /echo} session stays open across the attach. Then it waits for the
 * file {@code args[0]}. After the attach: one more message on the old {@code /echo} session, and a new
 * {@code /late/room-1} session with two messages, one that takes 1.5 s, and one whose handler throws.
 */
public final class LateAttachTomcat {
  /** Annotated: a message starting with "slow" takes 1.5 s, one starting with "corrupt" makes the handler throw. */
  @ServerEndpoint("/late/{room}")
  public static final class RoomEndpoint {
    @OnOpen
    public void open(Session session) {
      session.getUserProperties().put("opened", Boolean.TRUE);
    }

    @OnMessage
    public String onMessage(String text) throws InterruptedException {
      if (text.startsWith("slow")) {
        Thread.sleep(1_500);
      }
      if (text.startsWith("corrupt")) {
        throw new IllegalStateException("cannot handle this message");
      }
      return text.toUpperCase();
    }

    @OnError
    public void error(Session session, Throwable error) throws IOException {
      session.close(new CloseReason(CloseReason.CloseCodes.UNEXPECTED_CONDITION, "cannot handle"));
    }

    @OnClose
    public void close(Session session) {
      System.out.println("server saw close");
    }
  }

  public static void main(String[] args) throws Exception {
    try (EmbeddedTomcat tomcat = new EmbeddedTomcat(container -> {
      container.addEndpoint(RoomEndpoint.class);
      container.addEndpoint(ServerEndpointConfig.Builder.create(JakartaEndpoints.EchoEndpoint.class, "/echo").build());
    })) {
      HttpClient http = HttpClient.newHttpClient();
      ClientScenario.Client before = ClientScenario.Client.connect(http, tomcat.baseUri() + "/late/room-0");
      before.sendAndAwaitReply("hello before");
      before.socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(10, TimeUnit.SECONDS);
      before.awaitClose();
      ClientScenario.Client echo = ClientScenario.Client.connect(http, tomcat.baseUri() + "/echo");
      echo.sendAndAwaitReply("echo before");
      System.out.println("serving before the attach; waiting");

      LateAttachProgram.awaitFile(Paths.get(args[0]));
      System.out.println("attached");
      echo.sendAndAwaitReply("echo after");
      ClientScenario.Client room = ClientScenario.Client.connect(http, tomcat.baseUri() + "/late/room-1");
      room.sendAndAwaitReply("hello after");
      room.sendAndAwaitReply("slow after");
      room.send("corrupt after");
      System.out.println("room session closed with " + room.awaitClose());
      echo.socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(10, TimeUnit.SECONDS);
      echo.awaitClose();
      Thread.sleep(2_000);
    }
    System.out.println("done");
  }
}
