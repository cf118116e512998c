package dev.stallwatch.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stallwatch.instrumentation.Supertypes;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The upgrade request's context carried to the session ({@link UpgradeLinks}), the hooks that feed it found in the
 * real API and Tomcat classes ({@link LifecycleHooks}), and the sub-protocol ({@link Subprotocols}).
 */
class UpgradeLinksTest {
  private final Tracer tracer = SdkTracerProvider.builder().build().get("test");
  private final Supertypes supertypes = new Supertypes(false);

  private Map<String, Integer> hooks(String className) throws IOException {
    ClassLoader loader = UpgradeLinksTest.class.getClassLoader();
    try (InputStream in = loader.getResourceAsStream(className.replace('.', '/') + ".class")) {
      assertThat(in).as(className + " on the test class path").isNotNull();
      return LifecycleHooks.scan(className.replace('.', '/'), in.readAllBytes(),
          (superName, interfaces) -> supertypes.of(loader, superName, interfaces));
    }
  }

  @Test
  void theHandshakeIsHookedInTheApisConfiguratorAndTomcatsDefaultOne() throws IOException {
    String modify = "modifyHandshake(Ljakarta/websocket/server/ServerEndpointConfig;"
        + "Ljakarta/websocket/server/HandshakeRequest;Ljakarta/websocket/HandshakeResponse;)V";
    assertThat(hooks("jakarta.websocket.server.ServerEndpointConfig$Configurator"))
        .containsEntry(modify, LifecycleHooks.HANDSHAKE);
    assertThat(hooks("org.apache.tomcat.websocket.server.DefaultServerEndpointConfigurator"))
        .containsEntry(modify, LifecycleHooks.HANDSHAKE);
  }

  @Test
  void everyAddMessageHandlerOfTomcatsSessionIsHookedAndNothingElseOfIt() throws IOException {
    assertThat(hooks("org.apache.tomcat.websocket.WsSession")).containsOnly(
        Map.entry("addMessageHandler(Ljakarta/websocket/MessageHandler;)V", LifecycleHooks.HANDLER_ADDED),
        Map.entry("addMessageHandler(Ljava/lang/Class;Ljakarta/websocket/MessageHandler$Whole;)V",
            LifecycleHooks.HANDLER_ADDED),
        Map.entry("addMessageHandler(Ljava/lang/Class;Ljakarta/websocket/MessageHandler$Partial;)V",
            LifecycleHooks.HANDLER_ADDED));
  }

  @Test
  void aMethodOfTheSameShapeOutsideAConfiguratorOrSessionIsNotHooked() throws IOException {
    assertThat(hooks(NotAConfigurator.class.getName())).isEmpty();
  }

  @Test
  void withoutASpanCurrentAtTheHandshakeNothingIsKept() {
    UpgradeLinks links = new UpgradeLinks();
    Object config = new Object();
    links.handshake(config);
    assertThat(links.upgrade(config)).isNull();
  }

  @Test
  void theUpgradeContextReachesTheSessionOnceAndItsHandlersLinkToTheOpenSpan() {
    UpgradeLinks links = new UpgradeLinks();
    Object config = new Object();
    Span upgrade = tracer.spanBuilder("GET /orders").startSpan();
    try (Scope ignored = upgrade.makeCurrent()) {
      links.handshake(config);
    }
    upgrade.end();
    Context parent = links.upgrade(config);
    assertThat(parent).isNotNull();
    assertThat(Span.fromContext(parent).getSpanContext()).isEqualTo(upgrade.getSpanContext());
    assertThat(links.upgrade(config)).as("taken once").isNull();

    Object session = new Object();
    Object handler = new Object();
    Span open = tracer.spanBuilder("websocket open /orders").setParent(parent).startSpan();
    links.opened(session, open);
    links.handlerAdded(session, String.class, handler);
    assertThat(links.forMessage(handler)).isEqualTo(open.getSpanContext());
    assertThat(links.forMessage(new Object())).as("a handler of no known session").isNull();

    links.closed(session);
    assertThat(links.forMessage(handler)).as("forgotten at the close").isNull();
  }

  @Test
  void aHandlerRegisteredInTwoSessionsLinksToNeither() {
    UpgradeLinks links = new UpgradeLinks();
    Span upgrade = tracer.spanBuilder("GET").startSpan();
    try (Scope ignored = upgrade.makeCurrent()) {
      links.handshake(new Object()); // switches the links on, as the first traced handshake does
    }
    Object shared = new Object();
    Object first = new Object();
    Object second = new Object();
    links.opened(first, tracer.spanBuilder("open 1").startSpan());
    links.opened(second, tracer.spanBuilder("open 2").startSpan());
    links.handlerAdded(first, shared, null);
    links.handlerAdded(second, shared, null);
    assertThat(links.forMessage(shared)).isNull();
  }

  @Test
  void theSubprotocolIsReadFromTheSessionOnlyWhenNotEmptyAndGoesOnTheMetricsAttributes() {
    assertThat(Subprotocols.of(new NegotiatedSession("orders.v1"))).isEqualTo("orders.v1");
    assertThat(Subprotocols.of(new NegotiatedSession(""))).isNull();
    assertThat(Subprotocols.of(new Object())).isNull();
    Subprotocols subprotocols = new Subprotocols();
    Attributes base = Attributes.of(io.opentelemetry.api.common.AttributeKey.stringKey("websocket.endpoint"), "/o");
    assertThat(subprotocols.with(base, null)).isSameAs(base);
    assertThat(subprotocols.with(base, "orders.v1").asMap()).hasSize(2)
        .containsValue("orders.v1");
    for (int i = 0; i < Subprotocols.MAX_VALUES + 5; i++) {
      subprotocols.with(base, "p" + i);
    }
    assertThat(subprotocols.with(base, "one-too-many")).as("past the bound, metrics go without").isSameAs(base);
    assertThat(subprotocols.with(base, "orders.v1").asMap()).as("known values keep theirs").hasSize(2);
  }

  /** A session object as the containers' are, as far as the sub-protocol goes. */
  public static final class NegotiatedSession {
    private final String subprotocol;

    NegotiatedSession(String subprotocol) {
      this.subprotocol = subprotocol;
    }

    public String getNegotiatedSubprotocol() {
      return subprotocol;
    }
  }

  /** Same method shape as a configurator's handshake, in a class that is none. */
  static final class NotAConfigurator {
    public void modifyHandshake(jakarta.websocket.server.ServerEndpointConfig config,
        jakarta.websocket.server.HandshakeRequest request, jakarta.websocket.HandshakeResponse response) {}
  }
}
