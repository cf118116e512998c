package dev.stallwatch.testapps.websocket;

import java.io.IOException;
import java.io.UncheckedIOException;
import javax.websocket.CloseReason;
import javax.websocket.Endpoint;
import javax.websocket.EndpointConfig;
import javax.websocket.MessageHandler;
import javax.websocket.OnClose;
import javax.websocket.OnError;
import javax.websocket.OnMessage;
import javax.websocket.OnOpen;
import javax.websocket.Session;
import javax.websocket.server.PathParam;
import javax.websocket.server.ServerEndpoint;

/** The block-rewrite service's endpoints in the javax API (JSR-356 before Jakarta), as an application writes them. */
public final class JavaxEndpoints {
  private JavaxEndpoints() {}

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
