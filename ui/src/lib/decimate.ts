// Fewer points to draw without losing what the eye looks for: each pixel bucket keeps its
// lowest and highest value, so spikes survive; the first and last points always stay.
import type { Series } from "./series";

export type Range = readonly [number, number];

/**
 * At most about `maxPoints` points of `series` inside `range` (its whole x extent when
 * omitted): the x range is cut into `maxPoints / 2` buckets and each keeps its minimum and
 * maximum. Outside `range` only the nearest point on each side stays, to lead the line in
 * from the edge. A series of `maxPoints` points or fewer comes back unchanged. `x` must be
 * sorted.
 */
export function decimate(series: Series, maxPoints: number, range?: Range): Series {
  const { x, y } = series;
  const n = x.length;
  if (n <= maxPoints || n < 3) return series;
  const [lo, hi] = range ?? [x[0]!, x[n - 1]!];
  const buckets = Math.max(1, Math.floor(maxPoints / 2));
  const span = hi - lo;
  if (!(span > 0)) return series;

  const keep: number[] = [];
  let bucket = -1;
  let low = -1;
  let high = -1;
  const flush = () => {
    if (low >= 0) keep.push(...(low === high ? [low] : [Math.min(low, high), Math.max(low, high)]));
    low = high = -1;
  };
  for (let i = 0; i < n; i++) {
    const xi = x[i]!;
    if (i === 0 || i === n - 1 || xi < lo || xi > hi) {
      flush();
      bucket = -1;
      const edge = xi < lo ? x[i + 1]! >= lo : xi > hi ? x[i - 1]! <= hi : true;
      if (edge || i === 0 || i === n - 1) keep.push(i);
      continue;
    }
    const b = Math.min(buckets - 1, Math.floor(((xi - lo) / span) * buckets));
    if (b !== bucket) {
      flush();
      bucket = b;
    }
    const v = y[i];
    if (v === null || v === undefined) continue;
    if (low < 0 || v < y[low]!) low = i;
    if (high < 0 || v > y[high]!) high = i;
  }
  return {
    ...series,
    x: keep.map((i) => x[i]!),
    y: keep.map((i) => y[i] ?? null),
    steps: keep.map((i) => series.steps[i]!),
  };
}
