/**
 * Locks: the j.u.c slow-path hooks, lock waits, deadlocks, orphaned locks, synchronized contention and lock metrics,
 * all from the lock engine's one walk of the threads. A feature: may import the shared layers and permits (the walk
 * feeds both, and a semaphore wait names the permit holders), no other feature.
 */
package dev.stallwatch.locks;
