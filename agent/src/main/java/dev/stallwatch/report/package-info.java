/**
 * Detections and where they go: the typed {@code Detection}, the sinks (stderr, JSON Lines, OTLP logs, counters, span
 * events), per-site rate limits, stacks and thread and lock names. A shared layer: may import telemetry, config,
 * bootstrap and log, never a feature or runaway.
 */
package dev.stallwatch.report;
