/**
 * The agent's own log lines ({@code [stallwatch] ...} on stderr). A leaf: every package may import it, it imports only
 * the JDK.
 */
package dev.stallwatch.log;
