/**
 * Block methods named by {@code stallwatch.blocks}: matching, the hooks woven into them ({@code BlockTransformer}),
 * block spans and their runaway thresholds. A feature: may import the shared layers, never another feature.
 */
package dev.stallwatch.blocks;
