package dev.stallwatch.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.lang.instrument.ClassFileTransformer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.FieldVisitor;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * Spring STOMP's and Spring WebFlux's classes as their transformers change them keep their shape exactly (the same
 * super class, interfaces, fields and methods with the same modifiers), which is what lets a late attach retransform
 * them: the JVM refuses a retransformation that adds or removes a member. Run on the real framework class files.
 */
class FrameworkRetransformShapeTest {
  @ParameterizedTest
  @ValueSource(strings = {StompTransformer.SUB_PROTOCOL_HANDLER, StompTransformer.METHOD_MESSAGE_HANDLER,
      ReactiveWebSocketTransformer.UPGRADE_STRATEGY, ReactiveWebSocketTransformer.SERVER_OPERATIONS,
      ReactiveWebSocketTransformer.SESSION_SUPPORT})
  void aChangedFrameworkClassHasTheMembersItHadBefore(String internalName) throws Exception {
    ClassLoader loader = getClass().getClassLoader();
    byte[] original;
    try (InputStream in = loader.getResourceAsStream(internalName + ".class")) {
      assertThat(in).as(internalName + " on the test class path").isNotNull();
      original = in.readAllBytes();
    }
    ClassFileTransformer transformer = internalName.startsWith("org/springframework/web/reactive")
        || internalName.startsWith("reactor/") ? new ReactiveWebSocketTransformer(null)
        : new StompTransformer(null);

    byte[] changed = transformer.transform(null, loader, internalName, null, null, original);

    assertThat(changed).as("changed").isNotNull().isNotEqualTo(original);
    assertThat(shape(changed)).isEqualTo(shape(original));
  }

  private static List<String> shape(byte[] bytes) {
    List<String> members = new ArrayList<>();
    new ClassReader(bytes).accept(new ClassVisitor(Opcodes.ASM9) {
      @Override
      public void visit(int version, int access, String name, String signature, String superName,
          String[] interfaces) {
        members.add("class " + access + " " + name + " extends " + superName + " " + String.join(",", interfaces));
      }

      @Override
      public FieldVisitor visitField(int access, String name, String descriptor, String signature, Object value) {
        members.add("field " + access + " " + name + descriptor);
        return null;
      }

      @Override
      public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
          String[] exceptions) {
        members.add("method " + access + " " + name + descriptor);
        return null;
      }
    }, ClassReader.SKIP_CODE);
    members.sort(null);
    return members;
  }
}
