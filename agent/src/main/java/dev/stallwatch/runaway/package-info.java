/**
 * The watchdog thread and the in-flight operations that every traced operation (block, WebSocket message) registers
 * with, and the runaway detector that reads them. A shared layer: may import report, telemetry, config, bootstrap and
 * log, never a feature.
 */
package dev.stallwatch.runaway;
