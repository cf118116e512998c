/**
 * Semaphore permits: the call-site rewriting that records where a permit was taken, the permit ledger and permit
 * leaks. A feature: may import the shared layers, never another feature (locks imports it, not the other way round).
 */
package dev.stallwatch.permits;
