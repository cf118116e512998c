package dev.stallwatch.websocket;

import java.util.Map;
import java.util.Set;

/** The parameter types of WebSocket handler methods, by descriptor, in the three APIs. */
final class WebSocketTypes {
  static final Set<String> SESSIONS = Set.of("Ljakarta/websocket/Session;", "Ljavax/websocket/Session;",
      "Lorg/springframework/web/socket/WebSocketSession;");
  static final Set<String> CLOSE_REASONS = Set.of("Ljakarta/websocket/CloseReason;", "Ljavax/websocket/CloseReason;",
      "Lorg/springframework/web/socket/CloseStatus;");
  /** Arguments of a message handler that are never the message itself. */
  static final Set<String> NOT_A_MESSAGE = Set.of("Z", "Ljakarta/websocket/EndpointConfig;",
      "Ljavax/websocket/EndpointConfig;");
  private static final Map<String, String> MESSAGE_TYPES = Map.ofEntries(
      Map.entry("Ljava/lang/String;", "text"), Map.entry("Ljava/io/Reader;", "text"),
      Map.entry("Lorg/springframework/web/socket/TextMessage;", "text"),
      Map.entry("Ljava/nio/ByteBuffer;", "binary"), Map.entry("[B", "binary"),
      Map.entry("Ljava/io/InputStream;", "binary"),
      Map.entry("Lorg/springframework/web/socket/BinaryMessage;", "binary"),
      Map.entry("Ljakarta/websocket/PongMessage;", "pong"), Map.entry("Ljavax/websocket/PongMessage;", "pong"),
      Map.entry("Lorg/springframework/web/socket/PongMessage;", "pong"));

  private WebSocketTypes() {}

  /**
   * {@code text}, {@code binary}, {@code pong}, or {@code object} for a message a decoder made (and for Spring's
   * generic {@code WebSocketMessage}, whose kind is only known at run time, see {@link WebSocketObjects#type}).
   */
  static String messageType(String descriptor) {
    return MESSAGE_TYPES.getOrDefault(descriptor, "object");
  }
}
