package dev.stallwatch.websocket;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * Where a session's lifecycle is seen from the container's side, whatever the application's handler declares: the
 * {@code Endpoint} contract ({@code onOpen(Session, EndpointConfig)}, {@code onClose(Session, CloseReason)},
 * {@code onError(Session, Throwable)}) on every class that implements it at any depth, the API's own
 * {@code Endpoint} (whose {@code onClose} and {@code onError} an endpoint may not override) and the containers'
 * wrappers of annotated endpoints (Tomcat's {@code PojoEndpointBase}, Tyrus's {@code AnnotatedEndpoint}, Spring's
 * {@code StandardWebSocketHandlerAdapter}); and Jetty's {@code JakartaWebSocketFrameHandler}, which calls annotated
 * endpoints' methods itself, without an {@code Endpoint} in between. Containers call these once per session and
 * event; the first one entered on a thread is the span, any nested one (an application's {@code onClose} called by
 * the wrapper) is not traced again.
 */
final class LifecycleHooks {
  /** The hook receives the session first and the event's argument second. */
  static final int ENDPOINT = 0;
  /** Jetty's frame handler: the hooked object is the session's key, the event's argument comes first. */
  static final int JETTY = 4;
  /**
   * A server endpoint's handshake ({@code ServerEndpointConfig.Configurator.modifyHandshake(config, request,
   * response)}, on the upgrade request's thread, in its context): the config comes first ({@link UpgradeLinks}).
   */
  static final int HANDSHAKE = 8;
  /** {@code Session.addMessageHandler(handler)} or {@code (type, handler)}, in a container's session class. */
  static final int HANDLER_ADDED = 9;

  private static final Set<String> ENDPOINTS = Set.of("jakarta/websocket/Endpoint", "javax/websocket/Endpoint");
  private static final Set<String> CONFIGURATORS = Set.of("jakarta/websocket/server/ServerEndpointConfig$Configurator",
      "javax/websocket/server/ServerEndpointConfig$Configurator");
  private static final Set<String> SESSIONS = Set.of("jakarta/websocket/Session", "javax/websocket/Session");
  private static final String JETTY_PREFIX = "org/eclipse/jetty/";
  private static final Set<String> JETTY_FRAME_HANDLERS =
      Set.of("JakartaWebSocketFrameHandler", "JavaxWebSocketFrameHandler");

  private LifecycleHooks() {}

  /** The kind of hook of a class's lifecycle methods ({@code name + descriptor}), empty when it has none. */
  static Map<String, Integer> scan(String className, byte[] bytes,
      BiFunction<String, String[], Set<String>> hierarchy) {
    ClassReader reader = new ClassReader(bytes);
    boolean jetty = className.startsWith(JETTY_PREFIX)
        && JETTY_FRAME_HANDLERS.contains(className.substring(className.lastIndexOf('/') + 1));
    Map<String, Integer> hooks = new HashMap<>();
    Map<String, Integer> candidates = new HashMap<>();
    reader.accept(new ClassVisitor(Opcodes.ASM9) {
      @Override
      public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
          String[] exceptions) {
        if ((access & (Opcodes.ACC_ABSTRACT | Opcodes.ACC_NATIVE | Opcodes.ACC_STATIC | Opcodes.ACC_BRIDGE
            | Opcodes.ACC_SYNTHETIC)) == 0) {
          int kind = jetty ? jettyKind(name, descriptor) : endpointKind(name, descriptor);
          if (kind < 0) {
            kind = UpgradeLinks.hookKind(name, descriptor);
          }
          if (kind >= 0) {
            candidates.put(name + descriptor, kind);
          }
        }
        return null;
      }
    }, ClassReader.SKIP_CODE | ClassReader.SKIP_FRAMES | ClassReader.SKIP_DEBUG);
    if (candidates.isEmpty()) {
      return hooks;
    }
    if (jetty) {
      candidates.values().removeIf(kind -> kind >= HANDSHAKE);
      hooks.putAll(candidates);
      return hooks;
    }
    Set<String> supertypes = null;
    for (Map.Entry<String, Integer> candidate : candidates.entrySet()) {
      int kind = candidate.getValue();
      Set<String> bases = kind == HANDSHAKE ? CONFIGURATORS : kind == HANDLER_ADDED ? SESSIONS : ENDPOINTS;
      if (bases.contains(className) || bases.contains(reader.getSuperName())) {
        hooks.put(candidate.getKey(), kind);
        continue;
      }
      if (supertypes == null) {
        supertypes = hierarchy.apply(reader.getSuperName(), reader.getInterfaces());
      }
      for (String base : bases) {
        if (supertypes.contains(base)) {
          hooks.put(candidate.getKey(), kind);
          break;
        }
      }
    }
    return hooks;
  }

  private static int endpointKind(String name, String descriptor) {
    for (String api : new String[] {"jakarta/websocket/", "javax/websocket/"}) {
      String session = "(L" + api + "Session;";
      if (name.equals("onOpen") && descriptor.equals(session + "L" + api + "EndpointConfig;)V")) {
        return ENDPOINT + HandlerEvent.OPEN.ordinal();
      }
      if (name.equals("onClose") && descriptor.equals(session + "L" + api + "CloseReason;)V")) {
        return ENDPOINT + HandlerEvent.CLOSE.ordinal();
      }
      if (name.equals("onError") && descriptor.equals(session + "Ljava/lang/Throwable;)V")) {
        return ENDPOINT + HandlerEvent.ERROR.ordinal();
      }
    }
    return -1;
  }

  private static int jettyKind(String name, String descriptor) {
    if (!descriptor.endsWith("Lorg/eclipse/jetty/util/Callback;)V")) {
      return -1;
    }
    if (name.equals("onOpen") && descriptor.startsWith("(Lorg/eclipse/jetty/websocket/core/CoreSession;")) {
      return JETTY + HandlerEvent.OPEN.ordinal();
    }
    if (name.equals("notifyOnClose") && descriptor.startsWith("(Lorg/eclipse/jetty/websocket/core/CloseStatus;")) {
      return JETTY + HandlerEvent.CLOSE.ordinal();
    }
    if (name.equals("onError") && descriptor.startsWith("(Ljava/lang/Throwable;")) {
      return JETTY + HandlerEvent.ERROR.ordinal();
    }
    return -1;
  }
}
