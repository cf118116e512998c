package dev.stallwatch.testapps;

import jakarta.websocket.CloseReason;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnError;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.Session;
import jakarta.websocket.server.PathParam;
import jakarta.websocket.server.ServerContainer;
import jakarta.websocket.server.ServerEndpoint;
import jakarta.websocket.server.ServerEndpointConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.catalina.Context;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.servlets.DefaultServlet;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.websocket.server.WsSci;

/**
 * A block-rewrite WebSocket service on embedded Tomcat (127.0.0.1, a free port) with a real client (the JDK's):
 * an annotated endpoint at {@code /rewrite/{document}} whose handler rewrites blocks and fails on a corrupt one (the
 * endpoint then closes the session with 1011, as the seed's service did), and a programmatic echo endpoint with a
 * {@code MessageHandler.Whole}. Every payload carries the marker {@code PAYLOAD-SECRET}, which must never reach
 * telemetry. Arguments: messages per session (default 5).
 */
public final class WebSocketTomcat {
  public static void main(String[] args) throws Exception {
    int messages = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    Tomcat tomcat = new Tomcat();
    tomcat.setBaseDir(Files.createTempDirectory("tomcat").toString());
    Connector connector = new Connector();
    connector.setPort(0);
    connector.setProperty("address", "127.0.0.1");
    tomcat.setConnector(connector);
    Context context = tomcat.addContext("", null);
    context.addServletContainerInitializer(new WsSci(), null);
    Tomcat.addServlet(context, "default", new DefaultServlet());
    context.addServletMappingDecoded("/", "default");
    tomcat.start();
    ServerContainer container = (ServerContainer) context.getServletContext()
        .getAttribute(ServerContainer.class.getName());
    container.addEndpoint(RewriteEndpoint.class);
    container.addEndpoint(ServerEndpointConfig.Builder.create(EchoEndpoint.class, "/echo").build());
    int port = connector.getLocalPort();

    HttpClient http = HttpClient.newHttpClient();
    Client rewrite = Client.connect(http, "ws://127.0.0.1:" + port + "/rewrite/doc-42");
    Thread.sleep(800); // open long enough for a metric export (every 300 ms in the tests) to see the session
    for (int i = 0; i < messages; i++) {
      rewrite.sendAndAwaitReply("block " + i + " PAYLOAD-SECRET");
    }
    rewrite.send("corrupt block PAYLOAD-SECRET");
    System.out.println("rewrite session closed by the server with " + rewrite.awaitClose());

    Client echo = Client.connect(http, "ws://127.0.0.1:" + port + "/echo");
    Thread.sleep(800);
    for (int i = 0; i < messages; i++) {
      echo.sendAndAwaitReply("echo " + i + " PAYLOAD-SECRET");
    }
    echo.socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(10, TimeUnit.SECONDS);
    System.out.println("echo session closed with " + echo.awaitClose());
    Thread.sleep(500);
    tomcat.stop();
    tomcat.destroy();
    System.out.println("done");
  }

  /** The annotated endpoint: open, message (with a path parameter), error, close. */
  @ServerEndpoint("/rewrite/{document}")
  public static final class RewriteEndpoint {
    @OnOpen
    public void open(Session session, @PathParam("document") String document) {
      session.getUserProperties().put("document", document);
    }

    @OnMessage
    public String rewrite(@PathParam("document") String document, String block, Session session) {
      if (block.startsWith("corrupt")) {
        throw new IllegalStateException("block cannot be rewritten");
      }
      return rewriteBlock(block);
    }

    /** A block-processing method, traced when named in stallwatch.blocks: a child of the message span. */
    static String rewriteBlock(String block) {
      return block.toUpperCase();
    }

    @OnError
    public void error(Session session, Throwable error) throws IOException {
      session.close(new CloseReason(CloseReason.CloseCodes.UNEXPECTED_CONDITION, "rewrite failed"));
    }

    @OnClose
    public void close(Session session, CloseReason reason) {
      System.out.println("server saw close " + reason.getCloseCode().getCode());
    }
  }

  /** The programmatic endpoint: an Endpoint subclass registering a MessageHandler.Whole. */
  public static final class EchoEndpoint extends Endpoint {
    @Override
    public void onOpen(Session session, EndpointConfig config) {
      session.addMessageHandler(new MessageHandler.Whole<String>() {
        @Override
        public void onMessage(String message) {
          try {
            session.getBasicRemote().sendText(message);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }
      });
    }

    @Override
    public void onClose(Session session, CloseReason reason) {
      System.out.println("server saw close " + reason.getCloseCode().getCode());
    }
  }

  /** A JDK WebSocket client that answers one message at a time. */
  static final class Client implements WebSocket.Listener {
    final List<String> received = new CopyOnWriteArrayList<>();
    final CompletableFuture<Integer> closed = new CompletableFuture<>();
    volatile CompletableFuture<String> reply = new CompletableFuture<>();
    WebSocket socket;

    static Client connect(HttpClient http, String uri) throws Exception {
      Client client = new Client();
      client.socket = http.newWebSocketBuilder().buildAsync(URI.create(uri), client).get(10, TimeUnit.SECONDS);
      return client;
    }

    void send(String text) throws Exception {
      socket.sendText(text, true).get(10, TimeUnit.SECONDS);
    }

    void sendAndAwaitReply(String text) throws Exception {
      reply = new CompletableFuture<>();
      send(text);
      reply.get(10, TimeUnit.SECONDS);
    }

    int awaitClose() throws Exception {
      return closed.get(10, TimeUnit.SECONDS);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      received.add(data.toString());
      reply.complete(data.toString());
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
