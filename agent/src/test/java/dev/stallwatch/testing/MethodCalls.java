package dev.stallwatch.testing;

import java.util.ArrayList;
import java.util.List;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/** The method calls a class file's code makes, in order: what a test of a transformer reads its output by. */
public final class MethodCalls {
  private MethodCalls() {}

  /** One call: the calling method ({@code name + descriptor}) and the called one's owner (internal name) and name. */
  public record Call(String caller, String owner, String method) {}

  public static List<Call> in(byte[] classFile) {
    List<Call> calls = new ArrayList<>();
    new ClassReader(classFile).accept(new ClassVisitor(Opcodes.ASM9) {
      @Override
      public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
          String[] exceptions) {
        return new MethodVisitor(Opcodes.ASM9) {
          @Override
          public void visitMethodInsn(int opcode, String owner, String method, String desc, boolean isInterface) {
            calls.add(new Call(name + descriptor, owner, method));
          }
        };
      }
    }, 0);
    return calls;
  }
}
