package dev.stallwatch.testapps.websocket;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.util.Set;
import javax.websocket.DeploymentException;
import javax.websocket.Endpoint;
import javax.websocket.EndpointConfig;
import javax.websocket.MessageHandler;
import javax.websocket.OnMessage;
import javax.websocket.Session;
import javax.websocket.server.ServerContainer;
import javax.websocket.server.ServerEndpoint;
import javax.websocket.server.ServerEndpointConfig;

/**
 * Endpoints that declare little of their lifecycle, as applications often write them (javax API): what stallwatch
 * reports about their sessions must come from the container's side.
 */
public final class JavaxLifecycleEndpoints {
  private JavaxLifecycleEndpoints() {}

  /** The programmatic endpoints, at {@code /grand} and {@code /partial}. */
  public static Set<ServerEndpointConfig> configs() {
    return Set.of(ServerEndpointConfig.Builder.create(GrandchildEndpoint.class, "/grand").build(),
        ServerEndpointConfig.Builder.create(PartialEndpoint.class, "/partial").build());
  }

  /** All of them, on a server container. */
  public static void register(ServerContainer container) throws DeploymentException {
    container.addEndpoint(BareEndpoint.class);
    for (ServerEndpointConfig config : configs()) {
      container.addEndpoint(config);
    }
  }

  /** Annotated with a message handler only: no {@code @OnOpen}, {@code @OnClose} or {@code @OnError}. */
  @ServerEndpoint("/bare")
  public static final class BareEndpoint {
    @OnMessage
    public String echo(String text) {
      if (text.startsWith("throw")) {
        throw new IllegalArgumentException("bare handler failed");
      }
      return text;
    }
  }

  /** Between {@code Endpoint} and the application's endpoint: the endpoint is a grandchild. */
  public abstract static class BaseEndpoint extends Endpoint {}

  /** Between {@code MessageHandler.Whole} and the application's handler. */
  public abstract static class BaseHandler implements MessageHandler.Whole<String> {}

  /**
   * Programmatic, without {@code onClose} or {@code onError}: a grandchild handler for text, which replies through
   * {@code getSendWriter()}, and a lambda for binary messages.
   */
  public static final class GrandchildEndpoint extends BaseEndpoint {
    @Override
    public void onOpen(Session session, EndpointConfig config) {
      session.addMessageHandler(new TextHandler(session));
      session.addMessageHandler(ByteBuffer.class, (MessageHandler.Whole<ByteBuffer>) buffer -> {
        try {
          session.getBasicRemote().sendBinary(buffer);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    }

    /** Replies through a writer: a streamed send. */
    static final class TextHandler extends BaseHandler {
      private final Session session;

      TextHandler(Session session) {
        this.session = session;
      }

      @Override
      public void onMessage(String text) {
        try (Writer writer = session.getBasicRemote().getSendWriter()) {
          writer.write(text);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }
  }

  /** A partial text handler: one span per message however many frames it arrives in; replies with its length. */
  public static final class PartialEndpoint extends Endpoint {
    @Override
    public void onOpen(Session session, EndpointConfig config) {
      session.addMessageHandler(new PartialText(session));
    }

    static final class PartialText implements MessageHandler.Partial<String> {
      private final Session session;
      private long length;

      PartialText(Session session) {
        this.session = session;
      }

      @Override
      public void onMessage(String part, boolean last) {
        length += part.length();
        if (last) {
          try {
            session.getBasicRemote().sendText("received " + length);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
          length = 0;
        }
      }
    }
  }
}
