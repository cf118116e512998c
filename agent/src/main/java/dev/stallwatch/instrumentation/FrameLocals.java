package dev.stallwatch.instrumentation;

import java.util.ArrayList;
import java.util.List;
import org.objectweb.asm.Opcodes;

/**
 * Stack map frames for code that gains a local of the agent's own after the method's own locals (at its original
 * {@code max_locals}, so that no local of the method moves): every expanded frame lists it, with {@code TOP} for
 * the slots between. A long or a double is one entry of an expanded frame but two slots.
 */
final class FrameLocals {
  private FrameLocals() {}

  /** The frame's {@code numLocal} locals, then {@code type} at {@code slot}. */
  static Object[] withLocalAt(int numLocal, Object[] local, int slot, Object type) {
    List<Object> locals = new ArrayList<>(numLocal + 4);
    int slots = 0;
    for (int i = 0; i < numLocal; i++) {
      locals.add(local[i]);
      slots += local[i] == Opcodes.LONG || local[i] == Opcodes.DOUBLE ? 2 : 1;
    }
    for (; slots < slot; slots++) {
      locals.add(Opcodes.TOP);
    }
    locals.add(type);
    return locals.toArray();
  }
}
