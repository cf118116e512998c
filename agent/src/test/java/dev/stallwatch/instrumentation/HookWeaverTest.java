package dev.stallwatch.instrumentation;

import static dev.stallwatch.instrumentation.HookWeaver.Value.ALL_ARGUMENTS;
import static dev.stallwatch.instrumentation.HookWeaver.Value.RETURNED;
import static dev.stallwatch.instrumentation.HookWeaver.Value.THIS;
import static dev.stallwatch.instrumentation.HookWeaver.Value.THROWN;
import static dev.stallwatch.instrumentation.HookWeaver.Value.TOKEN;
import static dev.stallwatch.instrumentation.HookWeaver.Value.argument;
import static dev.stallwatch.instrumentation.HookWeaver.Value.constant;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stallwatch.instrumentation.HookWeaver.Hook;
import dev.stallwatch.instrumentation.HookWeaver.MethodHooks;
import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The weaver on a real class file compiled by javac: every shape of method (a loop back to its first instruction,
 * long and double arguments and locals, the method's own exception handlers and {@code synchronized} blocks, static
 * and instance, void and primitive returns) passes the JVM's verifier wrapped, returns and throws exactly what it
 * did, and calls the hooks once on entry and once on exit with the right values.
 */
class HookWeaverTest {
  private static final String HOOKS = Recorded.class.getName().replace('.', '/');
  private static final String OBJECT = "Ljava/lang/Object;";
  private static final Hook ENTER = new Hook(HOOKS, "enter", "(I" + OBJECT + "[" + OBJECT + ")" + OBJECT,
      List.of(constant(1234), THIS, ALL_ARGUMENTS));
  private static final Hook EXIT = new Hook(HOOKS, "exit", "(" + OBJECT + "Ljava/lang/Throwable;" + OBJECT + ")V",
      List.of(TOKEN, THROWN, RETURNED));
  private static final MethodHooks AROUND = new MethodHooks(ENTER, EXIT, true);

  /** What the hooks were called with, in order. */
  public static final class Recorded {
    static final List<String> CALLS = new ArrayList<>();

    public static Object enter(int site, Object self, Object[] arguments) {
      CALLS.add("enter " + site + " " + (self == null ? "static" : "this") + " " + Arrays.toString(arguments));
      return "token" + CALLS.size();
    }

    public static void exit(Object token, Throwable thrown, Object returned) {
      CALLS.add("exit " + token + " " + (thrown == null ? "returned " + returned : "threw " + thrown.getMessage()));
    }

    public static void enterOnly(Object self, Object first) {
      CALLS.add("enterOnly " + first);
    }

    public static void exitOnly(Object second, Object returned) {
      CALLS.add("exitOnly " + second + " " + returned);
    }
  }

  /** Compiled by javac like any application class, then loaded only in its woven form. */
  public static class Shapes {
    private final Object lock = new Object();
    public int finallyRuns;

    public static long loopFromTheFirstInstruction(int n, long step) {
      long sum = 0;
      while (n > 0) {
        sum += step;
        n--;
      }
      return sum;
    }

    public double wideLocals(double x, long y, String label) {
      double scaled = x * 2;
      long shifted = y << 1;
      if (label.isEmpty()) {
        return scaled;
      }
      for (int i = 0; i < 3; i++) {
        scaled += shifted;
      }
      return scaled;
    }

    public int ownHandlerTakesItsException(String text) {
      try {
        return Integer.parseInt(text);
      } catch (NumberFormatException e) {
        return -1;
      } finally {
        finallyRuns++;
      }
    }

    public void throwsThrough(String message) {
      synchronized (lock) {
        if (message != null) {
          throw new IllegalStateException(message);
        }
      }
    }

    public boolean flag(boolean b, char c, byte y, short s, float f) {
      return b && c == 'x' && y == 1 && s == 2 && f > 0;
    }

    public String describe(Object first, Object second) {
      return first + "/" + second;
    }
  }

  @BeforeEach
  void clear() {
    Recorded.CALLS.clear();
  }

  @Test
  void aLoopBackToTheFirstInstructionEntersOnceAndReturnsItsLong() throws Exception {
    assertThat(call(AROUND, "loopFromTheFirstInstruction", 3, 5L)).isEqualTo(15L);
    assertThat(Recorded.CALLS).containsExactly("enter 1234 static [3, 5]", "exit token1 returned 15");
  }

  @Test
  void longAndDoubleArgumentsAndLocalsKeepTheirValuesOnEveryPath() throws Exception {
    assertThat(call(AROUND, "wideLocals", 1.5, 4L, "")).isEqualTo(3.0);
    assertThat(call(AROUND, "wideLocals", 1.5, 4L, "x")).isEqualTo(27.0);
    assertThat(Recorded.CALLS).containsExactly("enter 1234 this [1.5, 4, ]", "exit token1 returned 3.0",
        "enter 1234 this [1.5, 4, x]", "exit token3 returned 27.0");
  }

  @Test
  void theMethodsOwnHandlerSeesItsExceptionFirst() throws Exception {
    assertThat(call(AROUND, "ownHandlerTakesItsException", "x")).isEqualTo(-1);
    assertThat(call(AROUND, "ownHandlerTakesItsException", "7")).isEqualTo(7);
    assertThat(Recorded.CALLS).containsExactly("enter 1234 this [x]", "exit token1 returned -1",
        "enter 1234 this [7]", "exit token3 returned 7");
  }

  @Test
  void anExceptionThatLeavesTheMethodIsSeenAndRethrownUnchanged() throws Exception {
    assertThatThrownBy(() -> call(AROUND, "throwsThrough", "boom"))
        .isInstanceOf(IllegalStateException.class).hasMessage("boom");
    assertThat(call(AROUND, "throwsThrough", (Object) null)).isNull();
    assertThat(Recorded.CALLS).containsExactly("enter 1234 this [boom]", "exit token1 threw boom",
        "enter 1234 this [null]", "exit token3 returned null");
  }

  @Test
  void everyPrimitiveArgumentIsBoxed() throws Exception {
    assertThat(call(AROUND, "flag", true, 'x', (byte) 1, (short) 2, 0.5f)).isEqualTo(true);
    assertThat(Recorded.CALLS).containsExactly("enter 1234 this [true, x, 1, 2, 0.5]", "exit token1 returned true");
  }

  @Test
  void anEnterOnlyOrExitOnlyHookGetsSingleArgumentsAndTheResult() throws Exception {
    MethodHooks enterOnly = new MethodHooks(new Hook(HOOKS, "enterOnly", "(" + OBJECT + OBJECT + ")V",
        List.of(THIS, argument(0))), null, false);
    MethodHooks exitOnly = new MethodHooks(null, new Hook(HOOKS, "exitOnly", "(" + OBJECT + OBJECT + ")V",
        List.of(argument(1), RETURNED)), false);
    assertThat(call(enterOnly, "describe", "a", "b")).isEqualTo("a/b");
    assertThat(call(exitOnly, "describe", "a", "b")).isEqualTo("a/b");
    assertThat(Recorded.CALLS).containsExactly("enterOnly a", "exitOnly b a/b");
  }

  @Test
  void aHookWhoseParametersDoNotFitIsRefusedBeforeAnythingIsWritten() throws Exception {
    MethodHooks wrongType = new MethodHooks(new Hook(HOOKS, "enter", "(I" + OBJECT + "[" + OBJECT + ")" + OBJECT,
        List.of(THIS, THIS, ALL_ARGUMENTS)), null, false);
    MethodHooks tokenWithoutEnter = new MethodHooks(null, EXIT, true);
    MethodHooks thrownOnEntry = new MethodHooks(new Hook(HOOKS, "enterOnly", "(" + OBJECT + OBJECT + ")V",
        List.of(THIS, THROWN)), null, false);
    for (MethodHooks hooks : List.of(wrongType, tokenWithoutEnter, thrownOnEntry)) {
      assertThatThrownBy(() -> HookWeaver.weave(shapesBytes(), (access, name, descriptor) ->
          name.equals("describe") ? hooks : null)).isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void aClassWithoutChosenMethodsIsLeftAlone() throws Exception {
    assertThat(HookWeaver.weave(shapesBytes(), (access, name, descriptor) -> null)).isNull();
  }

  /** Calls {@code method} of a fresh woven {@link Shapes} with only that method wrapped in {@code hooks}. */
  private Object call(MethodHooks hooks, String method, Object... arguments) throws Exception {
    byte[] woven = HookWeaver.weave(shapesBytes(), (access, name, descriptor) ->
        name.equals(method) ? hooks : null);
    assertThat(woven).isNotNull();
    Class<?> shapes = define(woven);
    Method target = Arrays.stream(shapes.getMethods()).filter(m -> m.getName().equals(method)).findFirst()
        .orElseThrow();
    Object receiver = shapes.getConstructor().newInstance();
    try {
      return target.invoke(receiver, arguments);
    } catch (InvocationTargetException e) {
      throw (Exception) e.getCause();
    }
  }

  private static byte[] shapesBytes() throws Exception {
    try (InputStream in = Shapes.class.getResourceAsStream("HookWeaverTest$Shapes.class")) {
      return in.readAllBytes();
    }
  }

  private Class<?> define(byte[] bytes) {
    String name = Shapes.class.getName();
    return new ClassLoader(getClass().getClassLoader()) {
      Class<?> defined = defineClass(name, bytes, 0, bytes.length);
    }.defined;
  }
}
