/**
 * The OpenTelemetry SDK (or the OpenTelemetry agent's, when present), the names of everything exported, export
 * problems and the service name. The lowest shared layer above config: may import config, bootstrap and log only.
 */
package dev.stallwatch.telemetry;
