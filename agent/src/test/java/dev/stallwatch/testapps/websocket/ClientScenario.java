package dev.stallwatch.testapps.websocket;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * What a real client does against every server of the WebSocket tests, with the JDK's WebSocket client: on
 * {@code /rewrite/doc-42}, {@code messages} blocks rewritten one at a time and then a corrupt one (the endpoint then
 * closes the session with 1011); on {@code /echo}, {@code messages} echoes and a normal close. Each session stays
 * open a little while first, so that a metric export (every 300 ms in the tests) sees it open. Every payload carries
 * {@code PAYLOAD-SECRET}, which must never reach telemetry.
 */
public final class ClientScenario {
  private ClientScenario() {}

  public static void run(String baseUri, int messages) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    Client rewrite = Client.connect(http, baseUri + "/rewrite/doc-42");
    Thread.sleep(800);
    for (int i = 0; i < messages; i++) {
      rewrite.sendAndAwaitReply("block " + i + " PAYLOAD-SECRET");
    }
    rewrite.send("corrupt block PAYLOAD-SECRET");
    System.out.println("rewrite session closed by the server with " + rewrite.awaitClose());

    Client echo = Client.connect(http, baseUri + "/echo");
    Thread.sleep(800);
    for (int i = 0; i < messages; i++) {
      echo.sendAndAwaitReply("echo " + i + " PAYLOAD-SECRET");
    }
    echo.socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(10, TimeUnit.SECONDS);
    System.out.println("echo session closed with " + echo.awaitClose());
    Thread.sleep(500);
  }

  /** Answers one message at a time. */
  static final class Client implements WebSocket.Listener {
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
