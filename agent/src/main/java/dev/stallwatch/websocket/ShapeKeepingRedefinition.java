package dev.stallwatch.websocket;

import net.bytebuddy.ByteBuddy;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.dynamic.scaffold.InstrumentedType;
import net.bytebuddy.dynamic.scaffold.MethodGraph;
import net.bytebuddy.dynamic.scaffold.TypeValidation;
import net.bytebuddy.implementation.Implementation;
import net.bytebuddy.pool.TypePool;

/**
 * The one way the WebSocket transformers hand a class to Byte Buddy: redefined from the bytes being loaded (its
 * supertypes read from its class loader, never loaded), with advice as the only change. No validation, only the
 * declared methods, a frozen type and no auxiliary members, so every field, method and modifier stays exactly as
 * written, which a retransformation at late attach requires, and which keeps a class being defined as it was too.
 */
final class ShapeKeepingRedefinition {
  private ShapeKeepingRedefinition() {}

  /** A builder for the class {@code name} (binary name) defined by {@code bytes}; add advice with {@code visit}. */
  static DynamicType.Builder<?> of(String name, byte[] bytes, ClassLoader loader) {
    ClassFileLocator locator = new ClassFileLocator.Compound(ClassFileLocator.Simple.of(name, bytes),
        ClassFileLocator.ForClassLoader.of(loader));
    TypeDescription type = TypePool.Default.of(locator).describe(name).resolve();
    return new ByteBuddy()
        .with(TypeValidation.DISABLED)
        .with(MethodGraph.Compiler.ForDeclaredMethods.INSTANCE)
        .with(InstrumentedType.Factory.Default.FROZEN)
        .with(Implementation.Context.Disabled.Factory.INSTANCE)
        .redefine(type, locator);
  }
}
