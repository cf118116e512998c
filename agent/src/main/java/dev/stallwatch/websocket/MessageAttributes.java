package dev.stallwatch.websocket;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;

/**
 * An endpoint's metric attributes with each message type added, built once: building attributes sorts and copies,
 * and a busy service counts every message it receives and sends.
 */
final class MessageAttributes {
  private final Attributes endpoint;
  private final AttributeKey<String> typeKey;
  private final Attributes text;
  private final Attributes binary;
  private final Attributes pong;
  private final Attributes object;

  MessageAttributes(Attributes endpoint, AttributeKey<String> typeKey) {
    this.endpoint = endpoint;
    this.typeKey = typeKey;
    text = with("text");
    binary = with("binary");
    pong = with("pong");
    object = with("object");
  }

  Attributes of(String type) {
    return switch (type) {
      case "text" -> text;
      case "binary" -> binary;
      case "pong" -> pong;
      case "object" -> object;
      default -> with(type); // a declared message class: rare, not cached
    };
  }

  private Attributes with(String type) {
    return endpoint.toBuilder().put(typeKey, type).build();
  }
}
