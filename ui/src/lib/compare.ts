// Side-by-side comparison of runs: one row per param or metric, differences marked.
import type { Run } from "../api/types";
import { formatNumber } from "./format";

export interface CompareRow {
  kind: "param" | "metric";
  key: string;
  values: (string | undefined)[];
  differs: boolean;
}

export function compareRows(runs: readonly Run[]): CompareRow[] {
  const rows: CompareRow[] = [];
  const add = (kind: CompareRow["kind"], pick: (run: Run) => Map<string, string>) => {
    const maps = runs.map(pick);
    const keys = new Set<string>();
    for (const map of maps) for (const key of map.keys()) keys.add(key);
    for (const key of [...keys].sort((a, b) => a.localeCompare(b))) {
      const values = maps.map((map) => map.get(key));
      rows.push({ kind, key, values, differs: new Set(values).size > 1 });
    }
  };
  add("param", (run) => new Map((run.data.params ?? []).map((p) => [p.key, p.value])));
  add("metric", (run) => new Map((run.data.metrics ?? []).map((m) => [m.key, formatNumber(m.value)])));
  return rows;
}

export interface ScatterPoint {
  runId: string;
  /** Position of the run in the compared list (its colour). */
  index: number;
  label: string;
  x: number;
  y: number;
}

export interface Scatter {
  points: ScatterPoint[];
  /** Category names when x is not numeric (x then holds the category index). */
  categories: string[] | null;
}

/**
 * Points for a scatter of `xKey` (a param or metric id such as `params.lr`) against a metric.
 * Runs missing either value are left out; a param that is not numeric becomes categories.
 */
export function scatterPoints(runs: readonly Run[], xKey: string, yMetric: string, label: (run: Run) => string): Scatter {
  const raw: { run: Run; index: number; x: string; y: number }[] = [];
  for (const [index, run] of runs.entries()) {
    const x = valueOf(run, xKey);
    const yValue = run.data.metrics?.find((m) => m.key === yMetric)?.value;
    const y = yValue === undefined ? NaN : Number(yValue);
    if (x === undefined || !Number.isFinite(y)) continue;
    raw.push({ run, index, x, y });
  }
  const numeric = raw.every((r) => r.x.trim() !== "" && Number.isFinite(Number(r.x)));
  const categories = numeric ? null : [...new Set(raw.map((r) => r.x))].sort();
  const points = raw.map((r) => ({
    runId: r.run.info.run_id,
    index: r.index,
    label: label(r.run),
    x: categories ? categories.indexOf(r.x) : Number(r.x),
    y: r.y,
  }));
  return { points, categories };
}

/** A run's value for `params.<key>` or `metrics.<key>`, as text. */
export function valueOf(run: Run, id: string): string | undefined {
  if (id.startsWith("params.")) {
    return run.data.params?.find((p) => p.key === id.slice(7))?.value;
  }
  if (id.startsWith("metrics.")) {
    const value = run.data.metrics?.find((m) => m.key === id.slice(8))?.value;
    return value === undefined ? undefined : String(value);
  }
  return undefined;
}

export interface Axis {
  id: string;
  /** Category names, bottom to top, when the values are not all numbers. */
  categories: string[] | null;
  min: number;
  max: number;
}

export interface ParallelLine {
  runId: string;
  index: number;
  /** Position on each axis from 0 (bottom) to 1 (top); null where the run has no value. */
  positions: (number | null)[];
}

/** Parallel coordinates: one axis per id (`params.x` / `metrics.y`), one line per run. */
export function parallelData(
  runs: readonly Run[],
  ids: readonly string[],
): { axes: Axis[]; lines: ParallelLine[] } {
  const raw = ids.map((id) => runs.map((run) => valueOf(run, id)));
  const axes: Axis[] = ids.map((id, a) => {
    const present = raw[a]!.filter((v): v is string => v !== undefined);
    const numeric = present.length > 0 && present.every((v) => v.trim() !== "" && Number.isFinite(Number(v)));
    if (!numeric) {
      const categories = [...new Set(present)].sort();
      return { id, categories, min: 0, max: Math.max(categories.length - 1, 0) };
    }
    const values = present.map(Number);
    return { id, categories: null, min: Math.min(...values), max: Math.max(...values) };
  });
  const lines = runs.map((run, index) => ({
    runId: run.info.run_id,
    index,
    positions: axes.map((axis, a) => {
      const value = raw[a]![index];
      if (value === undefined) return null;
      const x = axis.categories ? axis.categories.indexOf(value) : Number(value);
      if (axis.max === axis.min) return 0.5;
      return (x - axis.min) / (axis.max - axis.min);
    }),
  }));
  return { axes, lines };
}
