/**
 * Settings: the keys, their defaults and how system properties, environment variables and files are read into one
 * {@code StallwatchConfig}. Imports only the JDK and itself; every other package may import it.
 */
package dev.stallwatch.config;
