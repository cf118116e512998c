package dev.stallwatch.sample.load;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/** One WebSocket session with the rewrite service, speaking its protocol: a document out, blocks and "done" back. */
final class RewriteClient implements WebSocket.Listener {
  private final StringBuilder partial = new StringBuilder();
  private final CompletableFuture<Integer> closed = new CompletableFuture<>();
  private volatile CompletableFuture<Integer> pending;
  private WebSocket socket;

  /** The server closed the session; {@code code} is its close code (1011 for a handler that threw). */
  static final class ClosedByServerException extends Exception {
    final int code;

    ClosedByServerException(int code) {
      super("closed by the server with " + code);
      this.code = code;
    }
  }

  static RewriteClient connect(HttpClient http, URI uri, Duration timeout) throws Exception {
    RewriteClient client = new RewriteClient();
    client.socket = http.newWebSocketBuilder().connectTimeout(timeout).buildAsync(uri, client)
        .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    return client;
  }

  /** Sends a document; completes with its block count when the service says "done". */
  CompletableFuture<Integer> rewrite(String document) {
    CompletableFuture<Integer> done = new CompletableFuture<>();
    pending = done;
    if (closed.isDone()) {
      done.completeExceptionally(new ClosedByServerException(closed.join()));
    } else {
      socket.sendText(document, true).whenComplete((ws, error) -> {
        if (error != null) {
          done.completeExceptionally(error);
        }
      });
    }
    return done;
  }

  /** A normal close, waiting at most {@code timeout} for the server's answer; a stuck server gets the socket aborted. */
  void close(Duration timeout) {
    try {
      if (!closed.isDone()) {
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        closed.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (Exception e) {
      abort();
    }
  }

  void abort() {
    socket.abort();
  }

  @Override
  public void onOpen(WebSocket webSocket) {
    webSocket.request(1);
  }

  @Override
  public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
    partial.append(data);
    if (last) {
      String message = partial.toString();
      partial.setLength(0);
      if (message.startsWith("done ")) {
        CompletableFuture<Integer> done = pending;
        if (done != null) {
          done.complete(Integer.parseInt(message.split(" ")[1]));
        }
      }
    }
    webSocket.request(1);
    return null;
  }

  @Override
  public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
    closed.complete(statusCode);
    CompletableFuture<Integer> done = pending;
    if (done != null) {
      done.completeExceptionally(new ClosedByServerException(statusCode));
    }
    return null;
  }

  @Override
  public void onError(WebSocket webSocket, Throwable error) {
    closed.complete(1006);
    CompletableFuture<Integer> done = pending;
    if (done != null) {
      done.completeExceptionally(error);
    }
  }
}
