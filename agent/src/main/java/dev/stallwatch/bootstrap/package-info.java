/**
 * The hooks that advice inlined into JDK and application classes calls; relocated into {@code java.base} by the shade
 * configuration, so JDK types only, no j.u.c locks, never throw. Imports nothing of the agent; anyone may import it.
 */
package dev.stallwatch.bootstrap;
