/**
 * WebSocket endpoints: container-side sessions, handler spans, sends, handler errors and WebSocket metrics. A feature:
 * may import the shared layers, never another feature.
 */
package dev.stallwatch.websocket;
