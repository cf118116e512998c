package dev.stallwatch.websocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stallwatch.bootstrap.StallwatchReactiveWebSocketListener;
import dev.stallwatch.bootstrap.StallwatchReactiveWebSockets;
import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.web.reactive.socket.WebSocketHandler;
import org.springframework.web.reactive.socket.WebSocketSession;
import reactor.core.publisher.Mono;

class ReactiveWebSocketTransformerTest {
  /** Calls a handler the way Spring's upgrade strategy does. */
  public static final class Caller {
    public static Mono<Void> call(WebSocketHandler handler, WebSocketSession session) {
      return handler.handle(session);
    }
  }

  @AfterEach
  void unregister() {
    StallwatchReactiveWebSockets.setListener(null);
  }

  @Test
  void theHandlersMonoGoesThroughTheHookAndWhatItReturnsIsUsed() throws Exception {
    Method call = rewritten().getMethod("call", WebSocketHandler.class, WebSocketSession.class);
    Mono<Void> original = Mono.empty();
    Mono<Void> replaced = Mono.never();
    WebSocketHandler handler = session -> original;
    List<Object> seen = new ArrayList<>();
    StallwatchReactiveWebSockets.setListener(new Listener() {
      @Override
      public Object handled(Object h, Object session, Object mono) {
        seen.add(h);
        seen.add(mono);
        return replaced;
      }
    });

    assertThat(call.invoke(null, handler, null)).isSameAs(replaced);
    assertThat(seen).containsExactly(handler, original);
  }

  @Test
  void aFailingListenerOrNoneLeavesTheMonoAsItWas() throws Exception {
    Method call = rewritten().getMethod("call", WebSocketHandler.class, WebSocketSession.class);
    Mono<Void> original = Mono.empty();
    assertThat(call.invoke(null, (WebSocketHandler) session -> original, null)).isSameAs(original);
    StallwatchReactiveWebSockets.setListener(new Listener() {
      @Override
      public Object handled(Object h, Object session, Object mono) {
        throw new IllegalStateException("the agent's bug");
      }
    });
    assertThat(call.invoke(null, (WebSocketHandler) session -> original, null)).isSameAs(original);
  }

  @Test
  void whatTheHandlerThrowsReachesTheCallerUnchanged() throws Exception {
    Method call = rewritten().getMethod("call", WebSocketHandler.class, WebSocketSession.class);
    IllegalArgumentException thrown = new IllegalArgumentException("the application's");
    assertThatThrownBy(() -> call.invoke(null, (WebSocketHandler) session -> {
      throw thrown;
    }, null)).isInstanceOf(InvocationTargetException.class).cause().isSameAs(thrown);
  }

  @Test
  void aClassWithoutTheCallIsLeftAlone() throws Exception {
    assertThat(ReactiveWebSocketTransformer.afterHandle(bytesOf(ReactiveWebSocketTransformerTest.class))).isNull();
  }

  @Test
  void framesAreNamedByTheirNettyClass() {
    assertThat(ReactiveWebSockets.frameType("TextWebSocketFrame")).isEqualTo("text");
    assertThat(ReactiveWebSockets.frameType("BinaryWebSocketFrame")).isEqualTo("binary");
    assertThat(ReactiveWebSockets.frameType("PongWebSocketFrame")).isEqualTo("pong");
    assertThat(ReactiveWebSockets.frameType("CloseWebSocketFrame")).isNull();
  }

  private static Class<?> rewritten() throws Exception {
    byte[] bytes = ReactiveWebSocketTransformer.afterHandle(bytesOf(Caller.class));
    assertThat(bytes).isNotNull();
    String name = Caller.class.getName();
    ClassLoader loader = new ClassLoader(ReactiveWebSocketTransformerTest.class.getClassLoader()) {
      @Override
      protected Class<?> loadClass(String className, boolean resolve) throws ClassNotFoundException {
        if (className.equals(name)) {
          synchronized (getClassLoadingLock(className)) {
            Class<?> loaded = findLoadedClass(className);
            return loaded != null ? loaded : defineClass(className, bytes, 0, bytes.length);
          }
        }
        return super.loadClass(className, resolve);
      }
    };
    return loader.loadClass(name);
  }

  private static byte[] bytesOf(Class<?> type) throws Exception {
    try (InputStream in = type.getResourceAsStream("/" + type.getName().replace('.', '/') + ".class")) {
      return in.readAllBytes();
    }
  }

  private abstract static class Listener implements StallwatchReactiveWebSocketListener {
    @Override
    public Object inbound(Object connection, Object frame) {
      return null;
    }

    @Override
    public void inboundDone(Object token, Throwable thrown) {}

    @Override
    public void sent(Object session, Object message) {}
  }
}
