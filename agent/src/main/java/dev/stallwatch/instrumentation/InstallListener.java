package dev.stallwatch.instrumentation;

import dev.stallwatch.AgentLog;
import java.util.concurrent.atomic.AtomicBoolean;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.utility.JavaModule;

/**
 * Says once on stderr when a class could not be instrumented; the class then runs unchanged, which is the safe
 * outcome, but an operator should know that part of stallwatch is blind.
 */
public final class InstallListener extends AgentBuilder.Listener.Adapter {
  private final String what;
  private final AtomicBoolean reported = new AtomicBoolean();

  public InstallListener(String what) {
    this.what = what;
  }

  @Override
  public void onError(String typeName, ClassLoader classLoader, JavaModule module, boolean loaded, Throwable error) {
    if (reported.compareAndSet(false, true)) {
      AgentLog.line(what + ": could not instrument " + typeName + "; it runs unchanged (" + error + ")");
    }
  }

  @Override
  public void onTransformation(TypeDescription typeDescription, ClassLoader classLoader, JavaModule module,
      boolean loaded, DynamicType dynamicType) {}
}
