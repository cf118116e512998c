package dev.stallwatch.testapps.websocket;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
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
    lifecycle(http, baseUri);
  }

  /**
   * Endpoints that declare little of their lifecycle: on {@code /bare} a close with 4000 "bye", an abrupt drop (no
   * close frame: the TCP connection just ends), and a message whose handler throws; on {@code /grand} a text and a
   * binary message; on {@code /partial} a text of 100,000 characters sent in 13 frames.
   */
  static void lifecycle(HttpClient http, String baseUri) throws Exception {
    Client bare = Client.connect(http, baseUri + "/bare");
    bare.sendAndAwaitReply("bare 1");
    bare.socket.sendClose(4000, "bye").get(10, TimeUnit.SECONDS);
    System.out.println("bare session closed with " + bare.awaitClose());

    Client dropped = Client.connect(http, baseUri + "/bare");
    dropped.sendAndAwaitReply("bare 2");
    dropped.socket.abort();
    Thread.sleep(700);
    System.out.println("bare session dropped");

    Client failing = Client.connect(http, baseUri + "/bare");
    failing.send("throw now");
    Thread.sleep(HANDLER_ERROR_WAIT_MILLIS);
    if (failing.closed.isDone()) {
      System.out.println("after the throw the server closed with " + failing.awaitClose());
    } else {
      failing.sendAndAwaitReply("bare 3");
      System.out.println("after the throw the session stayed open");
      failing.socket.sendClose(4000, "bye").get(10, TimeUnit.SECONDS);
      failing.awaitClose();
    }
    Thread.sleep(300);

    Client grand = Client.connect(http, baseUri + "/grand");
    grand.sendAndAwaitReply("grand text");
    grand.reply = new CompletableFuture<>();
    grand.socket.sendBinary(ByteBuffer.wrap(new byte[] {1, 2, 3}), true).get(10, TimeUnit.SECONDS);
    grand.reply.get(10, TimeUnit.SECONDS);
    grand.socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(10, TimeUnit.SECONDS);
    System.out.println("grand session closed with " + grand.awaitClose());

    Client partial = Client.connect(http, baseUri + "/partial");
    partial.reply = new CompletableFuture<>();
    String chunk = "x".repeat(PARTIAL_LENGTH / PARTIAL_FRAMES);
    for (int i = 0; i < PARTIAL_FRAMES; i++) {
      String part = i < PARTIAL_FRAMES - 1 ? chunk : "x".repeat(PARTIAL_LENGTH - chunk.length() * i);
      partial.socket.sendText(part, i == PARTIAL_FRAMES - 1).get(10, TimeUnit.SECONDS);
    }
    System.out.println("partial reply: " + partial.reply.get(10, TimeUnit.SECONDS));
    partial.socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(10, TimeUnit.SECONDS);
    partial.awaitClose();
    Thread.sleep(500);
  }

  static final int PARTIAL_LENGTH = 100_000;
  static final int PARTIAL_FRAMES = 13;
  /** Longer than stallwatch waits to see what becomes of a session whose handler failed. */
  static final long HANDLER_ERROR_WAIT_MILLIS = 1_500;

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
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
      reply.complete("binary");
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
