package dev.stallwatch.websocket;

import dev.stallwatch.bootstrap.StallwatchHealth;
import dev.stallwatch.bootstrap.StallwatchPlatformClasses;
import dev.stallwatch.instrumentation.ClassBytes;
import dev.stallwatch.log.AgentLog;
import java.lang.instrument.ClassFileTransformer;
import java.nio.charset.StandardCharsets;
import java.security.ProtectionDomain;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * Finds WebSocket handler classes as they load and weaves {@link WebSocketAdvice} into their handler methods, and
 * counts the messages the application sends ({@link SendCallSites}). Every
 * class the application loads passes here, so the common case must be cheap: a byte search for the API's package
 * names rules out nearly every class before anything is parsed, and Byte Buddy is only used for the few handler
 * classes (loading it for every class costs about half a second of start-up, see docs/performance.md).
 *
 * <p>In the WebSocket containers and Spring only the container's side of a session's lifecycle is hooked
 * ({@link LifecycleHooks}): their message adapters and decorators call the application's handlers, and tracing both
 * would give two spans for one message.
 */
final class WebSocketTransformer implements ClassFileTransformer {
  private static final byte[] API_PACKAGE = "websocket/".getBytes(StandardCharsets.UTF_8);
  private static final byte[] SPRING_PACKAGE = "web/socket/".getBytes(StandardCharsets.UTF_8);
  /**
   * Left alone besides the JDK's classes ({@link StallwatchPlatformClasses}): the containers and Spring, and the two
   * APIs' own packages, whose adapters and default methods call the application's handlers; the handlers, the
   * application's implementations of those APIs, are what is instrumented.
   */
  private static final List<String> CONTAINERS = List.of("org/apache/tomcat/", "org/apache/catalina/",
      "org/eclipse/jetty/", "org/glassfish/tyrus/", "io/undertow/", "org/springframework/", "jakarta/websocket/",
      "javax/websocket/", "io/netty/");

  private final ClassLoader agentLoader;
  private final WebSocketSites sites;
  private final Set<String> failuresReported = ConcurrentHashMap.newKeySet();
  private final Supertypes supertypes = new Supertypes();

  WebSocketTransformer(ClassLoader agentLoader, WebSocketSites sites) {
    this.agentLoader = agentLoader;
    this.sites = sites;
  }

  @Override
  public byte[] transform(Module module, ClassLoader loader, String className, Class<?> classBeingRedefined,
      ProtectionDomain protectionDomain, byte[] bytes) {
    if (loader == null || loader == agentLoader || className == null
        || StallwatchPlatformClasses.isPlatformInternalName(className)
        || !(ClassBytes.contains(bytes, API_PACKAGE) || ClassBytes.contains(bytes, SPRING_PACKAGE))) {
      return null;
    }
    try {
      Map<String, Integer> lifecycle =
          LifecycleHooks.scan(className, bytes, (superName, interfaces) -> supertypes.of(loader, superName,
              interfaces));
      String name = className.replace('/', '.');
      if (isContainer(className)) {
        // The containers' own handlers call the application's: only their side of the lifecycle is hooked, and their
        // calls of message handlers, for the handlers that cannot be instrumented.
        byte[] delivering = deliverMessages(bytes);
        byte[] containerBytes = delivering != null ? delivering : bytes;
        return lifecycle.isEmpty() ? delivering : weave(name, containerBytes, loader, Map.of(), lifecycle);
      }
      byte[] counted = countSends(bytes);
      HandlerScan.Result handlers = HandlerScan.scan(bytes, (superName, interfaces) -> supertypes.of(loader,
          superName, interfaces));
      if (handlers == null && lifecycle.isEmpty()) {
        return counted;
      }
      if (counted != null) {
        bytes = counted;
      }
      Map<String, Integer> siteIds = new HashMap<>();
      for (HandlerMethod method : handlers == null ? List.<HandlerMethod>of() : handlers.methods()) {
        String key = method.name() + method.descriptor();
        if (!lifecycle.containsKey(key)) { // an Endpoint's onOpen/onClose/onError: the lifecycle hook covers it
          siteIds.put(key, sites.idFor(name, handlers.endpoint(), method));
        }
      }
      return weave(name, bytes, loader, siteIds, lifecycle);
    } catch (Throwable t) {
      StallwatchHealth.swallowed(t);
      if (failuresReported.add(className)) {
        AgentLog.line("websocket: could not instrument " + className.replace('/', '.') + "; its handlers are not "
            + "traced (" + t + ")");
      }
      return null;
    }
  }

  /** The class with its send calls counted ({@link SendCallSites}), or null when it makes none. */
  private static byte[] countSends(byte[] bytes) {
    ClassReader reader = new ClassReader(bytes);
    ClassWriter writer = new ClassWriter(reader, ClassWriter.COMPUTE_MAXS);
    SendCallSites sends = new SendCallSites(writer);
    reader.accept(sends, 0);
    return sends.changed ? writer.toByteArray() : null;
  }

  /** The container class with its calls of message handlers rewritten ({@link ReceiveCallSites}), or null. */
  private static byte[] deliverMessages(byte[] bytes) {
    ClassReader reader = new ClassReader(bytes);
    ClassWriter writer = new ClassWriter(reader, ClassWriter.COMPUTE_MAXS);
    ReceiveCallSites receives = new ReceiveCallSites(writer);
    reader.accept(receives, 0);
    return receives.changed ? writer.toByteArray() : null;
  }

  private static boolean isContainer(String className) {
    for (String prefix : CONTAINERS) {
      if (className.startsWith(prefix)) {
        return true;
      }
    }
    return false;
  }

  private static byte[] weave(String name, byte[] bytes, ClassLoader loader, Map<String, Integer> siteIds,
      Map<String, Integer> lifecycle) {
    ElementMatcher<MethodDescription> handlers = method -> siteIds.containsKey(key(method));
    ElementMatcher<MethodDescription> lifecycleMethods = method -> lifecycle.containsKey(key(method));
    Weaving outer = Weaving.CURRENT.get(); // null unless a class load inside a weave reached here again
    Weaving.CURRENT.set(new Weaving(siteIds, lifecycle));
    try {
      return ShapeKeepingRedefinition.of(name, bytes, loader)
          .visit(Weaving.HANDLER_ADVICE.on(handlers))
          .visit(Weaving.LIFECYCLE_ADVICE.on(lifecycleMethods))
          .make()
          .getBytes();
    } finally {
      if (outer == null) {
        Weaving.CURRENT.remove();
      } else {
        Weaving.CURRENT.set(outer);
      }
    }
  }

  /**
   * The site ids of the class being woven on this thread, which the two advices' {@link WebSocketSiteId} binding
   * reads. The advices are built once, on the first class woven (building one parses its advice class: about 15 of
   * the ~70 profiler samples Tomcat's examples spent here at start-up when it was done per class), and Byte Buddy
   * is still loaded only when a handler class is found.
   */
  private record Weaving(Map<String, Integer> siteIds, Map<String, Integer> lifecycle) {
    static final ThreadLocal<Weaving> CURRENT = new ThreadLocal<>();
    static final Advice HANDLER_ADVICE = Advice.withCustomMapping()
        .bind(WebSocketSiteId.class, (instrumentedType, method, assigner, arguments, sort) ->
            Advice.OffsetMapping.Target.ForStackManipulation.of(CURRENT.get().siteIds().get(key(method))))
        .to(WebSocketAdvice.class);
    static final Advice LIFECYCLE_ADVICE = Advice.withCustomMapping()
        .bind(WebSocketSiteId.class, (instrumentedType, method, assigner, arguments, sort) ->
            Advice.OffsetMapping.Target.ForStackManipulation.of(CURRENT.get().lifecycle().get(key(method))))
        .to(LifecycleAdvice.class);
  }

  private static String key(MethodDescription method) {
    return method.getInternalName() + method.getDescriptor();
  }
}
