/**
 * Semaphore permits: the permit book and permit leaks (the call sites that record where a permit was taken are
 * rewritten by {@code instrumentation/CallSiteRewriter}). A feature: may import the shared layers, never another
 * feature (locks imports it, not the other way round).
 */
package dev.stallwatch.permits;
