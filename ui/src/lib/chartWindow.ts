// The compare chart loads a sample of every history first and the logged points of the
// zoomed-in window afterwards; these helpers map the zoom to steps and splice the window in.
import type { Metric } from "../api/types";
import type { Range } from "./decimate";
import type { Series } from "./series";

/**
 * Points per run for the first paint: one every four pixels of `width`, 100 to 1,000. The
 * server's time grows with the points it sends (about 0.5 ms per point per 100 runs here), and
 * a line through a point every few pixels looks the same; zooming in loads the logged points.
 */
export function overviewPoints(width: number): number {
  return Math.min(1000, Math.max(100, Math.round(width / 4)));
}

/**
 * The steps that cover the x range `zoom` in any of `series`, one point wider on each side so
 * lines run on to the chart's edges; null when no series has a point there.
 */
export function stepWindow(series: readonly Series[], zoom: Range): { start: number; end: number } | null {
  let start = Infinity;
  let end = -Infinity;
  for (const s of series) {
    const first = s.x.findIndex((x) => x >= zoom[0]);
    if (first < 0) continue;
    let last = first - 1;
    while (last + 1 < s.x.length && s.x[last + 1]! <= zoom[1]) last++;
    const before = s.steps[Math.max(0, first - 1)]!;
    const after = s.steps[Math.min(s.x.length - 1, last + 1)]!;
    start = Math.min(start, before, after);
    end = Math.max(end, before, after);
  }
  return start <= end ? { start, end } : null;
}

/** `overview` with its points in `start..end` replaced by `window` (the same run's points). */
export function spliceWindow(overview: readonly Metric[], window: readonly Metric[], start: number, end: number): Metric[] {
  return [...overview.filter((p) => p.step < start || p.step > end), ...window];
}
