/**
 * Test scopes: what the JUnit extension ({@code stallwatch-junit}) asks the agent through
 * {@code bootstrap/StallwatchTestScope}: the permits a test left out and the detections made while it ran. Above the
 * features (reads the lock engine's permit book and runs the deadlock detector on demand); only the root imports it.
 */
package dev.stallwatch.testscope;
