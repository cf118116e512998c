package dev.stallwatch.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stallwatch.testapps.websocket.JakartaEndpoints;
import dev.stallwatch.testapps.websocket.JavaxEndpoints;
import dev.stallwatch.testapps.websocket.SpringServer;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.OnMessage;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.WebSocketMessage;
import org.springframework.web.socket.WebSocketSession;

/**
 * Handler scanning on the class files of real endpoint classes (the test apps' and a few written here), read as
 * bytes from the test class path exactly as the transformer gets them.
 */
class HandlerScanTest {

  private static HandlerScan.Result scan(String className) throws IOException {
    try (InputStream in = HandlerScanTest.class.getClassLoader()
        .getResourceAsStream(className.replace('.', '/') + ".class")) {
      assertThat(in).as(className + " on the test class path").isNotNull();
      return HandlerScan.scan(in.readAllBytes());
    }
  }

  private static HandlerScan.Result scan(Class<?> type) throws IOException {
    return scan(type.getName());
  }

  private static Map<String, HandlerMethod> byName(HandlerScan.Result result) {
    assertThat(result).as("handler methods found").isNotNull();
    return result.methods().stream().collect(Collectors.toMap(HandlerMethod::name, Function.identity()));
  }

  /** The annotated endpoints of both APIs declare the same methods: open, rewrite, error, close. */
  private static void assertRewriteEndpoint(HandlerScan.Result result) {
    assertThat(result.endpoint()).isEqualTo("/rewrite/{document}");
    Map<String, HandlerMethod> methods = byName(result);
    assertThat(methods).as("the static helper is no handler").containsOnlyKeys("open", "rewrite", "error", "close");
    assertThat(methods.get("open")).satisfies(m -> {
      assertThat(m.event()).isEqualTo(HandlerEvent.OPEN);
      assertThat(m.session()).isZero();
      assertThat(m.message()).isEqualTo(-1);
    });
    assertThat(methods.get("rewrite")).as("the @PathParam string is not the message").satisfies(m -> {
      assertThat(m.event()).isEqualTo(HandlerEvent.MESSAGE);
      assertThat(m.message()).isEqualTo(1);
      assertThat(m.session()).isEqualTo(2);
      assertThat(m.messageType()).isEqualTo("text");
    });
    assertThat(methods.get("error")).satisfies(m -> {
      assertThat(m.event()).isEqualTo(HandlerEvent.ERROR);
      assertThat(m.session()).isZero();
      assertThat(m.error()).isEqualTo(1);
    });
    assertThat(methods.get("close")).satisfies(m -> {
      assertThat(m.event()).isEqualTo(HandlerEvent.CLOSE);
      assertThat(m.close()).isEqualTo(1);
    });
  }

  @Test
  void annotatedJakartaEndpointIsFoundWithItsPathAndWhichArgumentIsWhat() throws IOException {
    assertRewriteEndpoint(scan(JakartaEndpoints.RewriteEndpoint.class));
  }

  @Test
  void annotatedJavaxEndpointIsFoundWithItsPathAndWhichArgumentIsWhat() throws IOException {
    assertRewriteEndpoint(scan(JavaxEndpoints.RewriteEndpoint.class));
  }

  @Test
  void endpointSubclassesHandlersAreTheLifecycleMethodsItOverrides() throws IOException {
    for (Class<?> endpoint : new Class<?>[] {JakartaEndpoints.EchoEndpoint.class, JavaxEndpoints.EchoEndpoint.class}) {
      HandlerScan.Result result = scan(endpoint);

      assertThat(result.endpoint()).isEqualTo(endpoint.getName());
      Map<String, HandlerMethod> methods = byName(result);
      assertThat(methods).containsOnlyKeys("onOpen", "onClose");
      assertThat(methods.get("onOpen").event()).isEqualTo(HandlerEvent.OPEN);
      assertThat(methods.get("onOpen").session()).isZero();
      assertThat(methods.get("onClose").event()).isEqualTo(HandlerEvent.CLOSE);
      assertThat(methods.get("onClose").close()).isEqualTo(1);
    }
  }

  @Test
  void messageHandlerWholeIsFoundWithoutItsBridgeAndNamedForTheEndpointItIsNestedIn() throws IOException {
    for (Class<?> endpoint : new Class<?>[] {JakartaEndpoints.EchoEndpoint.class, JavaxEndpoints.EchoEndpoint.class}) {
      HandlerScan.Result result = scan(endpoint.getName() + "$1"); // the anonymous MessageHandler.Whole<String>

      assertThat(result.endpoint()).isEqualTo(endpoint.getName());
      assertThat(result.methods()).singleElement().satisfies(m -> {
        assertThat(m.name()).isEqualTo("onMessage");
        assertThat(m.descriptor()).isEqualTo("(Ljava/lang/String;)V");
        assertThat(m.event()).isEqualTo(HandlerEvent.MESSAGE);
        assertThat(m.message()).isZero();
        assertThat(m.messageType()).isEqualTo("text");
      });
    }
  }

  static final class PartialBinary implements MessageHandler.Partial<ByteBuffer> {
    @Override
    public void onMessage(ByteBuffer part, boolean last) {}
  }

  @Test
  void messageHandlerPartialsMessageIsThePartNotTheLastFlag() throws IOException {
    assertThat(scan(PartialBinary.class).methods()).singleElement().satisfies(m -> {
      assertThat(m.message()).isZero();
      assertThat(m.messageType()).isEqualTo("binary");
    });
  }

  @Test
  void springTextHandlerSubclassIsFoundWithItsOverrides() throws IOException {
    HandlerScan.Result result = scan(SpringServer.RewriteHandler.class);

    assertThat(result.endpoint()).isEqualTo(SpringServer.RewriteHandler.class.getName());
    Map<String, HandlerMethod> methods = byName(result);
    assertThat(methods).containsOnlyKeys("afterConnectionEstablished", "handleTextMessage", "afterConnectionClosed");
    assertThat(methods.get("handleTextMessage")).satisfies(m -> {
      assertThat(m.event()).isEqualTo(HandlerEvent.MESSAGE);
      assertThat(m.session()).isZero();
      assertThat(m.message()).isEqualTo(1);
      assertThat(m.messageType()).isEqualTo("text");
    });
    assertThat(methods.get("afterConnectionClosed").close()).isEqualTo(1);
  }

  static final class DirectSpringHandler implements WebSocketHandler {
    @Override
    public void afterConnectionEstablished(WebSocketSession session) {}

    @Override
    public void handleMessage(WebSocketSession session, WebSocketMessage<?> message) {}

    @Override
    public void handleTransportError(WebSocketSession session, Throwable exception) {}

    @Override
    public void afterConnectionClosed(WebSocketSession session, CloseStatus closeStatus) {}

    @Override
    public boolean supportsPartialMessages() {
      return false;
    }
  }

  @Test
  void springWebSocketHandlerImplementationIsFoundButNotItsCapabilityQuery() throws IOException {
    Map<String, HandlerMethod> methods = byName(scan(DirectSpringHandler.class));

    assertThat(methods).containsOnlyKeys("afterConnectionEstablished", "handleMessage", "handleTransportError",
        "afterConnectionClosed");
    assertThat(methods.get("handleMessage").messageType()).as("known only at run time").isEqualTo("object");
    assertThat(methods.get("handleTransportError").error()).isEqualTo(1);
    assertThat(methods.get("handleTransportError").event()).isEqualTo(HandlerEvent.ERROR);
  }

  /** Handler-like names with none of the WebSocket APIs behind them. */
  static final class LookAlike {
    public void onOpen(Session session) {}

    public void onMessage(String message) {}

    public void onClose() {}

    public void handleTextMessage(Object session, Object message) {}

    public void afterConnectionEstablished(Object session) {}
  }

  @ServerEndpoint("/static-only")
  static final class StaticHandlerOnly {
    @OnMessage
    public static void onMessage(String message) {}

    public void notAHandler(String message) {}
  }

  static final class JdkClientListener implements WebSocket.Listener {
    @Override
    public void onOpen(WebSocket webSocket) {}

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      return null;
    }
  }

  @Test
  void classesWithoutWebSocketHandlersAreNotMatched() throws IOException {
    assertThat(scan(LookAlike.class)).as("names alone").isNull();
    assertThat(scan(StaticHandlerOnly.class)).as("a static @OnMessage is never called by a container").isNull();
    assertThat(scan(JdkClientListener.class)).as("the JDK's own WebSocket client").isNull();
    assertThat(scan(String.class)).isNull();
    assertThat(scan(HandlerScanTest.class)).isNull();
  }
}
