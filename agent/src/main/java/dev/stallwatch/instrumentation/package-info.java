/**
 * Helpers every bytecode-changing feature shares: which class bytes are worth parsing, and the registry that turns an
 * instrumented site into the int id written into the code. A shared layer: may import config, bootstrap and log only.
 */
package dev.stallwatch.instrumentation;
