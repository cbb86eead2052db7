/**
 * CX history and metrics (issue 5): each profile's timeline of interactions, its CX metrics kept up to
 * date incrementally on every append and recomputable from the timeline, its journey stage with the
 * history of stage changes, and "moments of truth" alerts on the change feed. {@link
 * dev.tessera.core.cx.CxStore} is the entry point; {@link dev.tessera.core.cx.CxMetricsCalculator} is the
 * pure definition of every metric (docs/cx-metrics.md).
 */
package dev.tessera.core.cx;
