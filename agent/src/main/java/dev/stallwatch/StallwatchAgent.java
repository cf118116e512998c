package dev.stallwatch;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.Instrumentation;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.InvocationTargetException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarInputStream;
import java.util.zip.ZipEntry;

/**
 * The launcher: the only stallwatch class the application's class loader ever sees.
 *
 * <p>It defines the few hook classes into {@code java.base} (advice inlined into {@code java.util.concurrent} can
 * only call classes the boot loader knows) and loads everything else, with its relocated Byte Buddy and
 * OpenTelemetry, in a class loader of its own, so nothing the agent carries can clash with what the application
 * ships. Any failure here leaves the application running without the agent: one line on stderr says why.
 *
 * <p>Why not {@link Instrumentation#appendToBootstrapClassLoaderSearch}, as most agents do: on JDK 17 and 25 it makes
 * the JVM print "Sharing is only supported for boot loader classes because bootstrap classpath has been appended" and
 * switches off class data sharing for every application class, which costs the application start-up time. Defining
 * the hooks through a {@link MethodHandles.Lookup} into their package needs neither.
 */
public final class StallwatchAgent {
  private static final String STARTUP_CLASS = "dev.stallwatch.AgentStartup";
  private static final String HOOK_DEFINER_CLASS = "dev.stallwatch.HookDefiner";
  /** The build relocates {@code dev.stallwatch.bootstrap} here; every class in it is named {@code Stallwatch*}. */
  private static final Class<?> HOOK_PACKAGE_ANCHOR = LockSupport.class;
  private static boolean started;
  /** True when the jars were unpacked into a throwaway directory rather than the reusable per-user one. */
  private static boolean unpackedTemporarily;

  private StallwatchAgent() {}

  public static void premain(String args, Instrumentation inst) {
    start(args, inst, false, null);
  }

  public static void agentmain(String args, Instrumentation inst) {
    start(args, inst, true, null);
  }

  /**
   * Starts stallwatch as an extension of the OpenTelemetry Java agent ({@code -Dotel.javaagent.extensions=}), from
   * {@link StallwatchAgentListener}. The extension class loader hides where this jar is, so it is looked for among
   * the configured extensions.
   */
  static void startAsExtension(Instrumentation inst) {
    File jar = StallwatchAgentOtelLink.extensionJar();
    if (jar == null) {
      System.err.println("[stallwatch] loaded as an OpenTelemetry agent extension, but no jar named in "
          + "otel.javaagent.extensions holds stallwatch; the application runs without it");
      return;
    }
    start(null, inst, false, jar);
  }

  private static synchronized void start(String args, Instrumentation inst, boolean attachedLate, File jarFile) {
    if (started || StallwatchAgentOtelLink.hooksDefined()) {
      System.err.println("[stallwatch] already attached to this JVM; ignoring the second attach");
      return;
    }
    started = true;
    try {
      File agentJar = jarFile != null ? jarFile
          : new File(StallwatchAgent.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      ClassLoader agentLoader;
      try (JarFile jar = new JarFile(agentJar)) {
        Path dir = unpackDirectory(jar);
        Path coreJar = unpack(jar, "stallwatch/core.jar", dir);
        URL[] classPath = {coreJar.toUri().toURL()};
        if (StallwatchAgentOtelLink.joinable(jar.getManifest())) {
          // Stallwatch's classes as compiled against the OpenTelemetry agent's API first; ASM from core.jar.
          classPath = new URL[] {unpack(jar, "stallwatch/core-otel.jar", dir).toUri().toURL(), classPath[0]};
        }
        agentLoader = new URLClassLoader("stallwatch", classPath, ClassLoader.getPlatformClassLoader());
        defineHookClasses(jar, inst, agentLoader);
      }
      Class<?> startup = Class.forName(STARTUP_CLASS, true, agentLoader);
      startup
          .getMethod("start", String.class, Instrumentation.class, boolean.class)
          .invoke(null, args, inst, attachedLate);
    } catch (InvocationTargetException e) {
      System.err.println("[stallwatch] could not start; the application runs without it: " + e.getCause());
    } catch (Throwable t) {
      System.err.println("[stallwatch] could not start; the application runs without it: " + t);
    }
  }

  /**
   * Defines every class of the embedded bootstrap jar into {@code java.base}, next to {@link LockSupport}. The hook
   * package is opened to the agent's class loader only (its unnamed module), never to this class's module, which is
   * the application's: {@link HookDefiner}, loaded there, does the defining.
   */
  private static void defineHookClasses(JarFile agentJar, Instrumentation inst, ClassLoader agentLoader)
      throws Exception {
    ZipEntry entry = agentJar.getEntry("stallwatch/bootstrap.jar");
    if (entry == null) {
      throw new IOException("the agent jar is incomplete (no stallwatch/bootstrap.jar)");
    }
    List<byte[]> classFiles = new ArrayList<>();
    try (JarInputStream hooks = new JarInputStream(agentJar.getInputStream(entry))) {
      for (JarEntry e = hooks.getNextJarEntry(); e != null; e = hooks.getNextJarEntry()) {
        if (e.getName().endsWith(".class")) {
          classFiles.add(hooks.readAllBytes());
        }
      }
    }
    inst.redefineModule(Object.class.getModule(), Set.of(), Map.of(),
        Map.of(HOOK_PACKAGE_ANCHOR.getPackageName(), Set.of(agentLoader.getUnnamedModule())), Set.of(), Map.of());
    Class.forName(HOOK_DEFINER_CLASS, true, agentLoader).getMethod("define", List.class).invoke(null, classFiles);
  }

  /**
   * A directory only this user can write, named after the embedded jars' checksums, so that repeated starts reuse the
   * unpacked jars instead of writing megabytes each time. When no such directory can be had, a fresh temporary one is
   * used and removed at exit.
   */
  private static Path unpackDirectory(JarFile jar) throws IOException {
    ZipEntry core = jar.getEntry("stallwatch/core.jar");
    if (core == null) {
      throw new IOException("the agent jar is incomplete (no stallwatch/core.jar)");
    }
    // Both embedded cores are unpacked here, so the name covers both: one may change without the other's size.
    ZipEntry coreOtel = jar.getEntry("stallwatch/core-otel.jar");
    long checksum = core.getCrc() ^ (coreOtel == null ? 0 : Long.rotateLeft(coreOtel.getCrc(), 32));
    String name = "stallwatch-" + System.getProperty("user.name", "user").replaceAll("[^A-Za-z0-9_.-]", "_") + "-"
        + Long.toHexString(checksum);
    Path dir = Paths.get(System.getProperty("java.io.tmpdir"), name);
    try {
      Set<PosixFilePermission> ownerOnly = PosixFilePermissions.fromString("rwx------");
      if (!Files.isDirectory(dir)) {
        Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(ownerOnly));
      }
      boolean ours = Files.getOwner(dir).getName().equals(System.getProperty("user.name"))
          && Files.getPosixFilePermissions(dir).equals(ownerOnly);
      if (ours) {
        return dir;
      }
    } catch (IOException | UnsupportedOperationException e) {
      // fall through to a private temporary directory
    }
    Path fresh = Files.createTempDirectory("stallwatch-");
    fresh.toFile().deleteOnExit();
    unpackedTemporarily = true;
    return fresh;
  }

  private static Path unpack(JarFile jar, String entryName, Path dir) throws IOException {
    ZipEntry entry = jar.getEntry(entryName);
    Path target = dir.resolve(entryName.substring(entryName.lastIndexOf('/') + 1));
    if (Files.isRegularFile(target) && Files.size(target) == entry.getSize()) {
      return target;
    }
    Path partial = Files.createTempFile(dir, "unpack-", ".tmp");
    try (InputStream in = jar.getInputStream(entry)) {
      Files.copy(in, partial, StandardCopyOption.REPLACE_EXISTING);
    }
    Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    if (unpackedTemporarily) {
      target.toFile().deleteOnExit();
    }
    return target;
  }
}
