package dev.stallwatch.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.web.socket.BinaryMessage;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.PongMessage;
import org.springframework.web.socket.TextMessage;

/**
 * The sizes the agent exports must be the ones the encoded message has, now that they are counted without encoding:
 * compared with {@code String.getBytes(UTF_8)} and with Spring's own {@code getPayloadLength()}.
 */
class WebSocketObjectsTest {
  private static final List<String> TEXTS = List.of("", "block 0 PAYLOAD-SECRET", "é", "Grüße", "€ 5", "日本語",
      "emoji \uD83D\uDE00 pair", "lone high \uD83D end", "lone low \uDE00 here", "\uD83D", "\uDE00\uD83D",
      "x".repeat(10_000) + "ß");

  @Test
  void textLengthIsTheLengthOfItsUtf8Encoding() {
    for (String text : TEXTS) {
      assertThat(WebSocketObjects.utf8Length(text)).as(text)
          .isEqualTo(text.getBytes(StandardCharsets.UTF_8).length);
    }
  }

  @Test
  void springMessagesMeasureAsSpringMeasuresThemWithoutEncoding() {
    for (String text : TEXTS) {
      TextMessage message = new TextMessage(text);
      assertThat(WebSocketObjects.size(message)).as(text).isEqualTo(message.getPayloadLength());
      assertThat(WebSocketObjects.type(message, null)).isEqualTo("text");
    }
    BinaryMessage binary = new BinaryMessage(new byte[] {1, 2, 3, 4, 5});
    assertThat(WebSocketObjects.size(binary)).isEqualTo(5);
    assertThat(WebSocketObjects.type(binary, null)).isEqualTo("binary");
    PongMessage pong = new PongMessage(ByteBuffer.wrap(new byte[] {9, 9}));
    assertThat(WebSocketObjects.size(pong)).isEqualTo(2);
    assertThat(WebSocketObjects.type(pong, null)).isEqualTo("pong");
  }

  @Test
  void objectsWithoutAKnownSizeOrTypeKeepTheDeclaredOne() {
    assertThat(WebSocketObjects.size(new Object())).isEqualTo(-1);
    assertThat(WebSocketObjects.size(null)).isEqualTo(-1);
    assertThat(WebSocketObjects.type(new Object(), "com.acme.Order")).isEqualTo("com.acme.Order");
    assertThat(WebSocketObjects.type(new Object(), null)).isEqualTo("object");
  }

  @Test
  void closeCodeAndReasonAreReadFromSpringAndJakartaObjects() {
    assertThat(WebSocketObjects.closeCode(CloseStatus.SERVER_ERROR.withReason("boom"))).isEqualTo(1011);
    assertThat(WebSocketObjects.closeReason(CloseStatus.SERVER_ERROR.withReason("boom"))).isEqualTo("boom");
    assertThat(WebSocketObjects.closeReason(CloseStatus.NORMAL)).isNull();
    jakarta.websocket.CloseReason goingAway = new jakarta.websocket.CloseReason(
        jakarta.websocket.CloseReason.CloseCodes.GOING_AWAY, "bye");
    assertThat(WebSocketObjects.closeCode(goingAway)).isEqualTo(1001);
    assertThat(WebSocketObjects.closeReason(goingAway)).isEqualTo("bye");
    assertThat(WebSocketObjects.closeCode(null)).isEqualTo(-1);
  }
}
