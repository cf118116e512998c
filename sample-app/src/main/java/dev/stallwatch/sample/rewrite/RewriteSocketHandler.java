package dev.stallwatch.sample.rewrite;

import dev.stallwatch.sample.rewrite.DocumentParser.Document;
import java.io.IOException;
import java.net.URI;
import org.springframework.stereotype.Component;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.handler.TextWebSocketHandler;

/**
 * The service's protocol on {@code /rewrite?client=name}: a client sends a document as one text message and gets back
 * one message per block ({@code "block 2/6\n<rewritten text>"}) and then {@code "done <blocks> <millis>"}. Blocks are
 * rewritten in order on the session's own thread.
 */
@Component
public class RewriteSocketHandler extends TextWebSocketHandler {
  private final DocumentParser parser;
  private final BlockRewriter rewriter;
  private final ResultCache cache;
  private final SessionRegistry sessions;
  private final RewriteMetrics metrics;
  private final UsageAccounting usage;

  public RewriteSocketHandler(DocumentParser parser, BlockRewriter rewriter, ResultCache cache,
      SessionRegistry sessions, RewriteMetrics metrics, UsageAccounting usage) {
    this.parser = parser;
    this.rewriter = rewriter;
    this.cache = cache;
    this.sessions = sessions;
    this.metrics = metrics;
    this.usage = usage;
  }

  @Override
  public void afterConnectionEstablished(WebSocketSession session) {
    sessions.open(session.getId(), clientOf(session.getUri()));
  }

  @Override
  protected void handleTextMessage(WebSocketSession session, TextMessage message)
      throws IOException, InterruptedException {
    long start = System.nanoTime();
    Document document = parser.parse(message.getPayload());
    int count = document.blocks().size();
    for (int i = 0; i < count; i++) {
      String block = document.blocks().get(i);
      String rewritten = cache.lookup(session.getId(), block);
      if (rewritten == null) {
        rewritten = rewriter.rewriteBlock(block);
        cache.store(session.getId(), block, rewritten);
      }
      session.sendMessage(new TextMessage("block " + (i + 1) + "/" + count + "\n" + rewritten));
    }
    long millis = (System.nanoTime() - start) / 1_000_000;
    metrics.record(count, millis);
    usage.charge(clientOf(session.getUri()), count);
    sessions.documentDone(session.getId());
    session.sendMessage(new TextMessage("done " + count + " " + millis));
  }

  @Override
  public void afterConnectionClosed(WebSocketSession session, CloseStatus status) {
    sessions.close(session.getId());
  }

  /** The {@code client} query parameter, or {@code anonymous}. */
  static String clientOf(URI uri) {
    String query = uri == null ? null : uri.getQuery();
    if (query != null) {
      for (String pair : query.split("&")) {
        if (pair.startsWith("client=") && pair.length() > "client=".length()) {
          return pair.substring("client=".length());
        }
      }
    }
    return "anonymous";
  }
}
