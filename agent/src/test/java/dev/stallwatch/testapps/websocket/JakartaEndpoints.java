package dev.stallwatch.testapps.websocket;

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
import jakarta.websocket.server.ServerEndpoint;
import java.io.IOException;
import java.io.UncheckedIOException;

/** The block-rewrite service's endpoints in the Jakarta API, as an application writes them. */
public final class JakartaEndpoints {
  private JakartaEndpoints() {}

  /** Annotated: open, message (with a path parameter), error, close. */
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

  /** Programmatic: an Endpoint subclass registering a MessageHandler.Whole. */
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
}
