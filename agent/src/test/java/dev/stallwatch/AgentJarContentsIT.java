package dev.stallwatch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stallwatch.testing.ForkedJvm;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarInputStream;
import java.util.jar.Manifest;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassReader;

/**
 * The shipped agent jar holds only what it should: a class that lands in the wrong part is seen by the wrong class
 * loader (the application's, or the boot loader's), and a third-party class left under its own name can clash with
 * the application's copy. Rules are on prefixes, not on class lists, so that moving the agent's packages keeps them.
 */
class AgentJarContentsIT {
  private static final String CORE = "stallwatch/core.jar";
  private static final String BOOTSTRAP = "stallwatch/bootstrap.jar";
  /** Stallwatch's classes once more, linked against the OpenTelemetry Java agent's relocated API. */
  private static final String CORE_OTEL = "stallwatch/core-otel.jar";
  /** The build relocates the hook package here, and every hook class is named Stallwatch*. */
  private static final Pattern HOOK_CLASS = Pattern.compile("java/util/concurrent/locks/Stallwatch[^/]*\\.class");
  private static final Pattern MULTI_RELEASE_PREFIX = Pattern.compile("META-INF/versions/[0-9]+/");

  private static Map<String, byte[]> topLevel;
  private static String launcher;

  @BeforeAll
  static void readAgentJar() throws IOException {
    topLevel = new LinkedHashMap<>();
    try (JarFile jar = new JarFile(ForkedJvm.agentJar().toFile())) {
      Manifest manifest = jar.getManifest();
      launcher = manifest.getMainAttributes().getValue("Premain-Class");
      assertThat(manifest.getMainAttributes().getValue("Agent-Class")).as("Agent-Class").isEqualTo(launcher);
      for (JarEntry entry : jar.stream().filter(e -> !e.isDirectory()).toList()) {
        try (InputStream in = jar.getInputStream(entry)) {
          topLevel.put(entry.getName(), in.readAllBytes());
        }
      }
    }
  }

  @Test
  void topLevelHoldsOnlyTheLauncherTheManifestAndTheThreeEmbeddedJars() {
    assertThat(launcher).as("Premain-Class").startsWith("dev.stallwatch.");
    String launcherPath = launcher.replace('.', '/');
    List<String> unexpected = topLevel.keySet().stream()
        .filter(name -> !name.startsWith("META-INF/"))
        .filter(name -> !name.equals(CORE) && !name.equals(BOOTSTRAP) && !name.equals(CORE_OTEL))
        .filter(name -> !(name.startsWith(launcherPath) && name.endsWith(".class")))
        .toList();

    assertThat(unexpected).as("entries beside the launcher " + launcher + " and its " + launcher + "* helpers")
        .isEmpty();
    assertThat(topLevel).containsKeys(launcherPath + ".class", CORE, BOOTSTRAP, CORE_OTEL,
        "META-INF/services/io.opentelemetry.javaagent.extension.AgentListener");
  }

  @Test
  void bothCoresStoreTheirClassesUncompressedSoThatNoStartInflatesThem() throws IOException {
    for (String core : List.of(CORE, CORE_OTEL)) {
      List<String> compressed = new ArrayList<>();
      try (JarInputStream in = new JarInputStream(new ByteArrayInputStream(topLevel.get(core)))) {
        for (JarEntry entry = in.getNextJarEntry(); entry != null; entry = in.getNextJarEntry()) {
          if (entry.getName().endsWith(".class") && entry.getMethod() != JarEntry.STORED) {
            compressed.add(entry.getName());
          }
        }
      }
      assertThat(compressed).as("compressed classes in " + core).isEmpty();
    }
  }

  @Test
  void coreOtelJarHoldsOnlyStallwatchClassesLinkedToTheOpenTelemetryAgentsApi() throws IOException {
    Map<String, byte[]> coreOtel = entries(CORE_OTEL);
    List<String> classes = coreOtel.keySet().stream().filter(name -> name.endsWith(".class")).toList();
    String launcherPath = launcher.replace('.', '/');

    assertThat(classes).as("stallwatch's own classes only: ASM comes from " + CORE)
        .isNotEmpty().allMatch(name -> name.startsWith("dev/stallwatch/") && !name.startsWith("dev/stallwatch/shaded/")
            && !name.startsWith("dev/stallwatch/bootstrap/") && !name.startsWith(launcherPath));
    List<String> stillOnOwnApi = classes.stream()
        .filter(name -> contains(coreOtel.get(name), "dev/stallwatch/shaded/io/opentelemetry/"))
        .toList();
    assertThat(stillOnOwnApi).as("classes still linked to stallwatch's relocated OpenTelemetry").isEmpty();
    assertThat(classes).as("linked to the OpenTelemetry agent's API").anyMatch(name -> contains(coreOtel.get(name),
        "io/opentelemetry/javaagent/shaded/io/opentelemetry/api/"));
  }

  /**
   * Every class of the agent's that one of stallwatch's own classes names is in the jar: a relocation that missed a
   * reference, or a stored core left from an older build (Ant once kept a stale core-otel.jar whose classes still
   * named Byte Buddy), fails here rather than at a user's start with a {@code NoClassDefFoundError}.
   */
  @Test
  void everyAgentClassTheCoresNameIsInTheJar() throws IOException {
    Map<String, byte[]> core = entries(CORE);
    Map<String, byte[]> coreOtel = entries(CORE_OTEL);
    Map<String, byte[]> hooks = entries(BOOTSTRAP);
    List<String> missing = new ArrayList<>();
    for (Map<String, byte[]> jar : List.of(core, coreOtel)) {
      for (Map.Entry<String, byte[]> entry : jar.entrySet()) {
        // Stallwatch's own classes; the relocated libraries name optional parts of theirs that are not shipped
        // (the OpenTelemetry SDK's incubating configuration API), which they look for before use.
        if (!entry.getKey().endsWith(".class") || !entry.getKey().startsWith("dev/stallwatch/")
            || entry.getKey().startsWith("dev/stallwatch/shaded/")) {
          continue;
        }
        for (String named : classesNamedBy(entry.getValue())) {
          boolean agents = named.startsWith("dev/stallwatch/") || HOOK_CLASS.matcher(named + ".class").matches();
          String file = named + ".class";
          if (agents && !core.containsKey(file) && !coreOtel.containsKey(file) && !hooks.containsKey(file)
              && !file.startsWith(launcher.replace('.', '/'))) {
            missing.add(entry.getKey() + " -> " + named);
          }
        }
      }
    }
    assertThat(missing).as("classes the cores name that no part of the jar holds").isEmpty();
  }

  /** The classes a class file's constant pool names (its CONSTANT_Class entries, array element types included). */
  private static List<String> classesNamedBy(byte[] classFile) {
    ClassReader reader = new ClassReader(classFile);
    char[] buffer = new char[reader.getMaxStringLength()];
    List<String> names = new ArrayList<>();
    for (int i = 1; i < reader.getItemCount(); i++) {
      int offset = reader.getItem(i);
      if (offset != 0 && reader.readByte(offset - 1) == 7) { // CONSTANT_Class
        String name = reader.readUTF8(offset, buffer);
        int element = name.lastIndexOf('[');
        if (element >= 0) {
          name = name.charAt(element + 1) == 'L' ? name.substring(element + 2, name.length() - 1) : "";
        }
        names.add(name);
      }
    }
    return names;
  }

  private static boolean contains(byte[] classFile, String text) {
    return new String(classFile, StandardCharsets.ISO_8859_1).contains(text);
  }

  @Test
  void bootstrapJarHoldsOnlyHookClassesInTheLockPackage() throws IOException {
    Map<String, byte[]> hooks = entries(BOOTSTRAP);
    List<String> unexpected = hooks.keySet().stream()
        .filter(name -> !name.equals("META-INF/MANIFEST.MF"))
        .filter(name -> !HOOK_CLASS.matcher(name).matches())
        .toList();

    assertThat(unexpected).as("entries of " + BOOTSTRAP + " that are not java/util/concurrent/locks/Stallwatch*.class")
        .isEmpty();
    assertThat(hooks.keySet()).anyMatch(name -> HOOK_CLASS.matcher(name).matches());
  }

  @Test
  void coreJarHoldsOnlyStallwatchClassesWithThirdPartiesRelocated() throws IOException {
    Map<String, byte[]> core = entries(CORE);
    List<String> classes = core.keySet().stream()
        .filter(name -> name.endsWith(".class"))
        .map(name -> MULTI_RELEASE_PREFIX.matcher(name).replaceFirst(""))
        .toList();
    String launcherPath = launcher.replace('.', '/');

    assertThat(classes.stream().filter(name -> !name.startsWith("dev/stallwatch/")).toList())
        .as("classes left outside dev/stallwatch/ (an un-relocated third party, or a hook class)").isEmpty();
    assertThat(classes.stream().filter(name -> name.startsWith("dev/stallwatch/bootstrap/")).toList())
        .as("hook classes, which belong in " + BOOTSTRAP).isEmpty();
    assertThat(classes.stream().filter(name -> name.startsWith(launcherPath)))
        .as("the launcher, which the application's class loader loads from the top level").isEmpty();
    assertThat(classes).as("relocated third parties").anyMatch(name -> name.startsWith("dev/stallwatch/shaded/"));
  }

  @Test
  void coreJarNamesOnlyRelocatedTypesInItsServiceFiles() throws IOException {
    Map<String, byte[]> core = entries(CORE);
    Map<String, List<String>> services = new LinkedHashMap<>();
    core.forEach((name, bytes) -> {
      if (name.startsWith("META-INF/services/")) {
        services.put(name.substring("META-INF/services/".length()), providers(bytes));
      }
    });

    assertThat(services).as("service files").isNotEmpty();
    services.forEach((service, providers) -> {
      assertThat(service).as("service type").startsWith("dev.stallwatch.");
      assertThat(providers).as("providers of " + service).allMatch(provider -> provider.startsWith("dev.stallwatch."));
    });
  }

  private static Map<String, byte[]> entries(String embeddedJar) throws IOException {
    assertThat(topLevel).containsKey(embeddedJar);
    Map<String, byte[]> entries = new LinkedHashMap<>();
    try (JarInputStream in = new JarInputStream(new ByteArrayInputStream(topLevel.get(embeddedJar)))) {
      if (in.getManifest() != null) {
        entries.put("META-INF/MANIFEST.MF", new byte[0]);
      }
      for (JarEntry entry = in.getNextJarEntry(); entry != null; entry = in.getNextJarEntry()) {
        if (!entry.isDirectory()) {
          entries.put(entry.getName(), in.readAllBytes());
        }
      }
    }
    return entries;
  }

  private static List<String> providers(byte[] serviceFile) {
    try (BufferedReader reader =
        new BufferedReader(new InputStreamReader(new ByteArrayInputStream(serviceFile), StandardCharsets.UTF_8))) {
      return reader.lines()
          .map(line -> line.replaceAll("#.*", "").trim())
          .filter(line -> !line.isEmpty())
          .collect(Collectors.toCollection(ArrayList::new));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
