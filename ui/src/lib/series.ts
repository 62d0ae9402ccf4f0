// Metric histories turned into chart series: x by step, wall time or time since the run began.
import type { Metric } from "../api/types";
import { metricNumber } from "./format";
import { smooth } from "./smoothing";

export type XAxis = "step" | "wall" | "relative";

export interface Series {
  id: string;
  label: string;
  x: number[];
  y: (number | null)[];
  /** The logged step of each point (the x value too when x is the step). */
  steps: number[];
}

/** Points sorted along the x axis; wall time in seconds since the epoch, relative in seconds. */
export function toSeries(
  id: string,
  label: string,
  points: readonly Metric[],
  xAxis: XAxis,
  runStart?: number,
): Series {
  const sorted = [...points].sort((a, b) =>
    xAxis === "step" ? a.step - b.step || a.timestamp - b.timestamp : a.timestamp - b.timestamp,
  );
  const start = runStart ?? (sorted.length ? sorted[0]!.timestamp : 0);
  const x = sorted.map((p) =>
    xAxis === "step" ? p.step : xAxis === "wall" ? p.timestamp / 1000 : (p.timestamp - start) / 1000,
  );
  const y = sorted.map((p) => {
    const value = metricNumber(p.value);
    return Number.isFinite(value) ? value : null;
  });
  return { id, label, x, y, steps: sorted.map((p) => p.step) };
}

export function smoothSeries(series: Series, weight: number): Series {
  return weight > 0 ? { ...series, y: smooth(series.y, weight) } : series;
}

/** Series with non-positive values dropped, for a log scale. */
export function positiveOnly(series: Series): Series {
  return { ...series, y: series.y.map((v) => (v !== null && v > 0 ? v : null)) };
}

const PALETTE = [
  "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
  "#bcbd22", "#17becf",
];

export function color(index: number): string {
  if (index < PALETTE.length) return PALETTE[index]!;
  return `hsl(${(index * 137.508) % 360}, 65%, 45%)`;
}
