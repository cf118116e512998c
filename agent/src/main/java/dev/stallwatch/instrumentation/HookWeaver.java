package dev.stallwatch.instrumentation;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Handle;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

/**
 * Wraps chosen methods of a class in calls of static bootstrap hooks, in plain ASM: one hook when the method is
 * entered, whose result (a token) is kept in a local, and one when it returns or throws. This is what Byte Buddy's
 * {@code Advice} did for the WebSocket handlers, without Byte Buddy's type descriptions, method graphs and advice
 * classes: those cost several hundred milliseconds of a server's start the first time a handler class loads
 * (docs/performance.md), where this costs a parse and a write of the handler class.
 *
 * <p>What the method gets, in order: the enter hook's values pushed and the hook called, its token stored in a
 * local after the method's own (at the original {@code max_locals}, read in a first pass, so no local moves and
 * every stack map frame is extended with it); the original code, unchanged, under one catch-all handler that comes
 * last in the exception table, so the method's own handlers see their exceptions first; before each return, the
 * returned value boxed into a second local and the exit hook called; in the handler, the exit hook called with what
 * was thrown, which is then rethrown as it was. No member is added and no modifier changes, so a class can be
 * retransformed at late attach. The hooks are the bootstrap's and catch everything themselves; an exit hook that
 * threw anyway would reach the handler and be called a second time.
 *
 * <p>The hooks' descriptors are checked against each method before anything is written: a value that does not fit
 * its parameter is an {@link IllegalArgumentException} (the transformer says so and leaves the class as it was),
 * never a class the JVM refuses to verify.
 */
public final class HookWeaver {
  private static final String OBJECT = "java/lang/Object";

  private HookWeaver() {}

  /** What a hook is given for one of its parameters. */
  public record Value(Kind kind, int number) {
    public static final Value THIS = new Value(Kind.THIS, 0);
    public static final Value ALL_ARGUMENTS = new Value(Kind.ALL_ARGUMENTS, 0);
    public static final Value TOKEN = new Value(Kind.TOKEN, 0);
    public static final Value RETURNED = new Value(Kind.RETURNED, 0);
    public static final Value THROWN = new Value(Kind.THROWN, 0);

    /** An {@code int} fixed when the class is woven: a site id, a kind. */
    public static Value constant(int value) {
      return new Value(Kind.CONSTANT, value);
    }

    /** The method's argument {@code index} as it is when the hook runs (boxed; null when there is none). */
    public static Value argument(int index) {
      return new Value(Kind.ARGUMENT, index);
    }
  }

  /** The kinds of {@link Value}. */
  public enum Kind {
    /** An {@code int} constant. */
    CONSTANT,
    /** The receiver; null in a static method. */
    THIS,
    /** One argument, boxed. */
    ARGUMENT,
    /** Every argument, boxed, in an {@code Object[]}. */
    ALL_ARGUMENTS,
    /** What the enter hook returned (exit hooks only). */
    TOKEN,
    /** The returned value, boxed; null for a void method and when the method threw (exit hooks only). */
    RETURNED,
    /** What the method threw; null when it returned (exit hooks only). */
    THROWN
  }

  /** A call of a static method: its class (internal name), name, descriptor, and what each parameter gets. */
  public record Hook(String owner, String name, String descriptor, List<Value> values) {
    public Hook {
      values = List.copyOf(values);
    }
  }

  /**
   * The hooks of one method: either may be null. The enter hook returns {@code Object} (the token the exit hook can
   * be given) or nothing; {@code onThrow} says whether the exit hook is also called when the method throws.
   */
  public record MethodHooks(Hook onEnter, Hook onExit, boolean onThrow) {
    /** Whether the enter hook returns a token (an {@code Object}) that is kept for the exit hook. */
    boolean keepsToken() {
      return onEnter != null && Type.getReturnType(onEnter.descriptor()).getSort() != Type.VOID;
    }
  }

  /** A method chosen in the first pass: its hooks, and its own {@code max_locals}, where the agent's locals go. */
  private record Chosen(MethodHooks hooks, int maxLocals) {}

  /** Which methods of the class being woven get hooks. */
  @FunctionalInterface
  public interface HooksFor {
    /** The method's hooks, or null to leave it as it is. */
    MethodHooks of(int access, String name, String descriptor);
  }

  /** The class with its chosen methods wrapped, or null when it has no such method with code. */
  public static byte[] weave(byte[] bytes, HooksFor hooksFor) {
    ClassReader reader = new ClassReader(bytes);
    Map<String, Chosen> chosen = new HashMap<>();
    reader.accept(new ClassVisitor(Opcodes.ASM9) {
      @Override
      public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
          String[] exceptions) {
        MethodHooks hooks = hooksFor.of(access, name, descriptor);
        if (hooks == null) {
          return null;
        }
        check(access, name, descriptor, hooks);
        return new MethodVisitor(Opcodes.ASM9) {
          @Override
          public void visitMaxs(int maxStack, int locals) {
            chosen.put(name + descriptor, new Chosen(hooks, locals));
          }
        };
      }
    }, ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
    if (chosen.isEmpty()) {
      return null;
    }
    boolean frames = reader.readUnsignedShort(6) >= Opcodes.V1_6; // older class files have no stack map frames
    ClassWriter writer = new ClassWriter(reader, ClassWriter.COMPUTE_MAXS);
    reader.accept(new ClassVisitor(Opcodes.ASM9, writer) {
      @Override
      public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
          String[] exceptions) {
        MethodVisitor next = super.visitMethod(access, name, descriptor, signature, exceptions);
        Chosen method = chosen.get(name + descriptor);
        return method == null ? next
            : new HookedMethod(next, access, descriptor, method.hooks(), method.maxLocals(), frames);
      }
    }, ClassReader.EXPAND_FRAMES);
    return writer.toByteArray();
  }

  /** Throws unless every value fits its hook parameter in this method. */
  static void check(int access, String name, String descriptor, MethodHooks hooks) {
    if (name.equals("<init>") || name.equals("<clinit>")) {
      throw new IllegalArgumentException("constructors and initialisers are not hooked: " + name);
    }
    if (hooks.onEnter() != null) {
      Type returned = Type.getReturnType(hooks.onEnter().descriptor());
      if (returned.getSort() != Type.VOID && !returned.getInternalName().equals(OBJECT)) {
        throw new IllegalArgumentException(hooks.onEnter() + " must return Object or nothing");
      }
      checkValues(hooks.onEnter(), descriptor, false, false);
    }
    if (hooks.onExit() != null) {
      if (Type.getReturnType(hooks.onExit().descriptor()).getSort() != Type.VOID) {
        throw new IllegalArgumentException(hooks.onExit() + " must return nothing");
      }
      checkValues(hooks.onExit(), descriptor, true, hooks.keepsToken());
    }
  }

  private static void checkValues(Hook hook, String method, boolean exit, boolean token) {
    Type[] parameters = Type.getArgumentTypes(hook.descriptor());
    Type[] arguments = Type.getArgumentTypes(method);
    if (parameters.length != hook.values().size()) {
      throw new IllegalArgumentException(hook + ": " + parameters.length + " parameters");
    }
    for (int i = 0; i < parameters.length; i++) {
      Value value = hook.values().get(i);
      Type parameter = parameters[i];
      boolean fits = switch (value.kind()) {
        case CONSTANT -> parameter.getSort() == Type.INT;
        case THIS, RETURNED -> isObject(parameter) && (exit || value.kind() == Kind.THIS);
        case TOKEN -> exit && token && isObject(parameter);
        case THROWN -> exit && (isObject(parameter) || parameter.getDescriptor().equals("Ljava/lang/Throwable;"));
        case ALL_ARGUMENTS -> parameter.getDescriptor().equals("[Ljava/lang/Object;");
        case ARGUMENT -> isObject(parameter) || (value.number() < arguments.length
            && arguments[value.number()].getSort() >= Type.ARRAY && parameter.equals(arguments[value.number()]));
      };
      if (!fits) {
        throw new IllegalArgumentException(hook + ": " + value + " does not fit parameter " + i + " of "
            + hook.descriptor() + " in a method " + method);
      }
    }
  }

  private static boolean isObject(Type type) {
    return type.getSort() == Type.OBJECT && type.getInternalName().equals(OBJECT);
  }

  /** Where a hook is called: its RETURNED and THROWN values depend on it. */
  private enum Path { ENTER, RETURN, THROW }

  /** One method being wrapped (see the class comment for the shape). */
  private static final class HookedMethod extends MethodVisitor {
    private final boolean isStatic;
    private final Type[] arguments;
    private final Type returnType;
    private final MethodHooks hooks;
    private final boolean token;
    private final int tokenSlot;
    private final int valueSlot;
    private final boolean frames;
    private final Label start = new Label();
    private final Label end = new Label();
    private final Label handler = new Label();
    private boolean entered;

    HookedMethod(MethodVisitor next, int access, String descriptor, MethodHooks hooks, int maxLocals,
        boolean frames) {
      super(Opcodes.ASM9, next);
      this.isStatic = (access & Opcodes.ACC_STATIC) != 0;
      this.arguments = Type.getArgumentTypes(descriptor);
      this.returnType = Type.getReturnType(descriptor);
      this.hooks = hooks;
      this.token = hooks.keepsToken();
      this.tokenSlot = maxLocals;
      this.valueSlot = maxLocals + 1;
      this.frames = frames;
    }

    private boolean catches() {
      return hooks.onExit() != null && hooks.onThrow();
    }

    /**
     * The enter hook, before the method's first instruction, label or frame. The reader visits the method's own
     * exception table before its code, so the catch-all declared here comes after every handler of the method's.
     */
    private void enter() {
      if (entered) {
        return;
      }
      entered = true;
      if (catches()) {
        super.visitTryCatchBlock(start, end, handler, null);
      }
      if (hooks.onEnter() != null) {
        call(hooks.onEnter(), Path.ENTER);
        if (token) {
          super.visitVarInsn(Opcodes.ASTORE, tokenSlot);
        }
      }
      super.visitLabel(start);
    }

    private void call(Hook hook, Path path) {
      for (Value value : hook.values()) {
        push(value, path);
      }
      super.visitMethodInsn(Opcodes.INVOKESTATIC, hook.owner(), hook.name(), hook.descriptor(), false);
    }

    private void push(Value value, Path path) {
      switch (value.kind()) {
        case CONSTANT -> pushInt(value.number());
        case THIS -> {
          if (isStatic) {
            super.visitInsn(Opcodes.ACONST_NULL);
          } else {
            super.visitVarInsn(Opcodes.ALOAD, 0);
          }
        }
        case ARGUMENT -> {
          if (value.number() < arguments.length) {
            loadArgument(value.number());
          } else {
            super.visitInsn(Opcodes.ACONST_NULL);
          }
        }
        case ALL_ARGUMENTS -> {
          pushInt(arguments.length);
          super.visitTypeInsn(Opcodes.ANEWARRAY, OBJECT);
          for (int i = 0; i < arguments.length; i++) {
            super.visitInsn(Opcodes.DUP);
            pushInt(i);
            loadArgument(i);
            super.visitInsn(Opcodes.AASTORE);
          }
        }
        case TOKEN -> super.visitVarInsn(Opcodes.ALOAD, tokenSlot);
        case RETURNED -> {
          if (path == Path.RETURN && returnType.getSort() != Type.VOID) {
            super.visitVarInsn(Opcodes.ALOAD, valueSlot);
          } else {
            super.visitInsn(Opcodes.ACONST_NULL);
          }
        }
        case THROWN -> {
          if (path == Path.THROW) {
            super.visitVarInsn(Opcodes.ALOAD, valueSlot);
          } else {
            super.visitInsn(Opcodes.ACONST_NULL);
          }
        }
      }
    }

    /** Before each return: the value boxed into {@code valueSlot} (the original stays on the stack), the exit hook. */
    private void exitOnReturn() {
      if (returnType.getSort() != Type.VOID) {
        super.visitInsn(returnType.getSize() == 2 ? Opcodes.DUP2 : Opcodes.DUP);
        box(returnType);
        super.visitVarInsn(Opcodes.ASTORE, valueSlot);
      }
      call(hooks.onExit(), Path.RETURN);
    }

    @Override
    public void visitInsn(int opcode) {
      enter();
      if (hooks.onExit() != null && opcode >= Opcodes.IRETURN && opcode <= Opcodes.RETURN) {
        exitOnReturn();
      }
      super.visitInsn(opcode);
    }

    @Override
    public void visitFrame(int type, int numLocal, Object[] local, int numStack, Object[] stack) {
      enter();
      if (token && type == Opcodes.F_NEW) {
        Object[] locals = FrameLocals.withLocalAt(numLocal, local, tokenSlot, OBJECT);
        super.visitFrame(type, locals.length, locals, numStack, stack);
      } else {
        super.visitFrame(type, numLocal, local, numStack, stack);
      }
    }

    /** After the method's last instruction: the catch-all handler, which calls the exit hook and rethrows. */
    @Override
    public void visitMaxs(int maxStack, int maxLocals) {
      if (entered && catches()) {
        super.visitLabel(end);
        super.visitLabel(handler);
        if (frames) {
          Object[] locals = token ? FrameLocals.withLocalAt(0, new Object[0], tokenSlot, OBJECT) : new Object[0];
          super.visitFrame(Opcodes.F_NEW, locals.length, locals, 1, new Object[] {"java/lang/Throwable"});
        }
        super.visitInsn(Opcodes.DUP);
        super.visitVarInsn(Opcodes.ASTORE, valueSlot);
        call(hooks.onExit(), Path.THROW);
        super.visitInsn(Opcodes.ATHROW);
      }
      super.visitMaxs(maxStack, maxLocals);
    }

    @Override
    public void visitLabel(Label label) {
      enter();
      super.visitLabel(label);
    }

    @Override
    public void visitLineNumber(int line, Label start) {
      enter();
      super.visitLineNumber(line, start);
    }

    @Override
    public void visitIntInsn(int opcode, int operand) {
      enter();
      super.visitIntInsn(opcode, operand);
    }

    @Override
    public void visitVarInsn(int opcode, int varIndex) {
      enter();
      super.visitVarInsn(opcode, varIndex);
    }

    @Override
    public void visitTypeInsn(int opcode, String type) {
      enter();
      super.visitTypeInsn(opcode, type);
    }

    @Override
    public void visitFieldInsn(int opcode, String owner, String name, String descriptor) {
      enter();
      super.visitFieldInsn(opcode, owner, name, descriptor);
    }

    @Override
    public void visitMethodInsn(int opcode, String owner, String name, String descriptor, boolean isInterface) {
      enter();
      super.visitMethodInsn(opcode, owner, name, descriptor, isInterface);
    }

    @Override
    public void visitInvokeDynamicInsn(String name, String descriptor, Handle bootstrap, Object... arguments) {
      enter();
      super.visitInvokeDynamicInsn(name, descriptor, bootstrap, arguments);
    }

    @Override
    public void visitJumpInsn(int opcode, Label label) {
      enter();
      super.visitJumpInsn(opcode, label);
    }

    @Override
    public void visitLdcInsn(Object value) {
      enter();
      super.visitLdcInsn(value);
    }

    @Override
    public void visitIincInsn(int varIndex, int increment) {
      enter();
      super.visitIincInsn(varIndex, increment);
    }

    @Override
    public void visitTableSwitchInsn(int min, int max, Label dflt, Label... labels) {
      enter();
      super.visitTableSwitchInsn(min, max, dflt, labels);
    }

    @Override
    public void visitLookupSwitchInsn(Label dflt, int[] keys, Label[] labels) {
      enter();
      super.visitLookupSwitchInsn(dflt, keys, labels);
    }

    @Override
    public void visitMultiANewArrayInsn(String descriptor, int numDimensions) {
      enter();
      super.visitMultiANewArrayInsn(descriptor, numDimensions);
    }

    private void loadArgument(int index) {
      int slot = isStatic ? 0 : 1;
      for (int i = 0; i < index; i++) {
        slot += arguments[i].getSize();
      }
      Type type = arguments[index];
      super.visitVarInsn(type.getOpcode(Opcodes.ILOAD), slot);
      box(type);
    }

    private void box(Type type) {
      if (type.getSort() >= Type.ARRAY) {
        return;
      }
      Type boxed = switch (type.getSort()) {
        case Type.BOOLEAN -> Type.getType(Boolean.class);
        case Type.CHAR -> Type.getType(Character.class);
        case Type.BYTE -> Type.getType(Byte.class);
        case Type.SHORT -> Type.getType(Short.class);
        case Type.INT -> Type.getType(Integer.class);
        case Type.FLOAT -> Type.getType(Float.class);
        case Type.LONG -> Type.getType(Long.class);
        case Type.DOUBLE -> Type.getType(Double.class);
        default -> throw new IllegalArgumentException("cannot box " + type);
      };
      super.visitMethodInsn(Opcodes.INVOKESTATIC, boxed.getInternalName(), "valueOf",
          Type.getMethodDescriptor(boxed, type), false);
    }

    private void pushInt(int value) {
      if (value >= -1 && value <= 5) {
        super.visitInsn(Opcodes.ICONST_0 + value);
      } else if (value >= Byte.MIN_VALUE && value <= Byte.MAX_VALUE) {
        super.visitIntInsn(Opcodes.BIPUSH, value);
      } else if (value >= Short.MIN_VALUE && value <= Short.MAX_VALUE) {
        super.visitIntInsn(Opcodes.SIPUSH, value);
      } else {
        super.visitLdcInsn(value);
      }
    }
  }
}
