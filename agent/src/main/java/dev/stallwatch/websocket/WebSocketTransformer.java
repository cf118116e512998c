package dev.stallwatch.websocket;

import dev.stallwatch.bootstrap.StallwatchHealth;
import dev.stallwatch.bootstrap.StallwatchPlatformClasses;
import dev.stallwatch.instrumentation.ClassBytes;
import dev.stallwatch.instrumentation.HookWeaver;
import dev.stallwatch.instrumentation.Supertypes;
import dev.stallwatch.log.AgentLog;
import java.lang.instrument.ClassFileTransformer;
import java.security.ProtectionDomain;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassWriter;

/**
 * Finds WebSocket handler classes as they load and wraps their handler methods in the bootstrap's hooks
 * ({@link WovenHooks#handler}), and counts the messages the application sends ({@link SendCallSites}). Every class
 * the application loads passes here, so the common case must be cheap: a byte search for the API's package names
 * rules out nearly every class before anything is parsed, and the few handler classes are woven in plain ASM
 * ({@link HookWeaver}; Byte Buddy's advice cost a server's start several hundred milliseconds, see
 * docs/performance.md).
 *
 * <p>In the WebSocket containers and Spring only the container's side of a session's lifecycle is hooked
 * ({@link LifecycleHooks}): their message adapters and decorators call the application's handlers, and tracing both
 * would give two spans for one message.
 */
final class WebSocketTransformer implements ClassFileTransformer {
  /** The APIs' packages ({@code jakarta/websocket/}, {@code javax/websocket/}) and Spring's ({@code web/socket/}). */
  private static final ClassBytes.Needles API_PACKAGES = new ClassBytes.Needles(List.of("websocket/", "web/socket/"));
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
  private final Supertypes supertypes = new Supertypes(false);

  WebSocketTransformer(ClassLoader agentLoader, WebSocketSites sites) {
    this.agentLoader = agentLoader;
    this.sites = sites;
  }

  @Override
  public byte[] transform(Module module, ClassLoader loader, String className, Class<?> classBeingRedefined,
      ProtectionDomain protectionDomain, byte[] bytes) {
    if (loader == null || loader == agentLoader || className == null
        || StallwatchPlatformClasses.isPlatformInternalName(className)
        || !API_PACKAGES.foundIn(bytes)) {
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
        return lifecycle.isEmpty() ? delivering : weave(containerBytes, Map.of(), lifecycle);
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
      return weave(bytes, siteIds, lifecycle);
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
    if (!ReceiveCallSites.OWNER_MENTIONED.foundIn(bytes)) {
      return null;
    }
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

  /** The class with its handler methods and lifecycle hooks wrapped ({@link WovenHooks}). */
  private static byte[] weave(byte[] bytes, Map<String, Integer> siteIds, Map<String, Integer> lifecycle) {
    return HookWeaver.weave(bytes, (access, method, descriptor) -> {
      Integer site = siteIds.get(method + descriptor);
      if (site != null) {
        return WovenHooks.handler(site);
      }
      Integer kind = lifecycle.get(method + descriptor);
      return kind == null ? null : WovenHooks.lifecycle(kind);
    });
  }
}
