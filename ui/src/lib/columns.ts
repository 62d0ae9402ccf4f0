// Runs-table columns: an id such as `metrics.acc` names where a value comes from and how the
// server sorts by it.
import type { Run } from "../api/types";

export type ColumnKind = "attributes" | "metrics" | "params" | "tags";

export interface ColumnId {
  kind: ColumnKind;
  key: string;
}

const KINDS: readonly ColumnKind[] = ["attributes", "metrics", "params", "tags"];

/** Attribute columns the table always offers, with their labels. */
export const ATTRIBUTES: Record<string, string> = {
  run_name: "Run name",
  status: "Status",
  start_time: "Started",
  end_time: "Ended",
  user_id: "User",
  run_id: "Run ID",
};

export function parseColumn(id: string): ColumnId | null {
  const dot = id.indexOf(".");
  if (dot <= 0) return null;
  const kind = id.slice(0, dot) as ColumnKind;
  const key = id.slice(dot + 1);
  if (!KINDS.includes(kind) || !key) return null;
  return { kind, key };
}

export function columnId(column: ColumnId): string {
  return `${column.kind}.${column.key}`;
}

export function columnLabel(column: ColumnId): string {
  if (column.kind === "attributes") return ATTRIBUTES[column.key] ?? column.key;
  return column.key;
}

/** The `order_by` entry for a column, keys quoted so dots and spaces survive. */
export function orderByClause(column: ColumnId, descending: boolean): string {
  const field =
    column.kind === "attributes" ? `attributes.${column.key}` : `${column.kind}.\`${column.key}\``;
  return `${field} ${descending ? "DESC" : "ASC"}`;
}

function findValue(items: { key: string; value: string | number }[] | undefined, key: string) {
  return items?.find((item) => item.key === key)?.value;
}

/** The raw value a run has in a column (undefined when it has none). */
export function cellValue(run: Run, column: ColumnId): string | number | undefined {
  switch (column.kind) {
    case "metrics":
      return findValue(run.data.metrics, column.key);
    case "params":
      return findValue(run.data.params, column.key);
    case "tags":
      return findValue(run.data.tags, column.key);
    case "attributes": {
      if (column.key === "run_name") return runName(run);
      const value = (run.info as unknown as Record<string, string | number | undefined>)[column.key];
      return value;
    }
  }
}

export function runName(run: Run): string {
  return run.info.run_name || String(findValue(run.data.tags, "mlflow.runName") ?? run.info.run_id);
}

export function tagValue(run: Run, key: string): string | undefined {
  const value = findValue(run.data.tags, key);
  return value === undefined ? undefined : String(value);
}

/** Metric, param and tag keys seen in `runs`, sorted, system tags (mlflow.*) left out. */
export function discoverKeys(runs: readonly Run[]): Record<"metrics" | "params" | "tags", string[]> {
  const metrics = new Set<string>();
  const params = new Set<string>();
  const tags = new Set<string>();
  for (const run of runs) {
    for (const m of run.data.metrics ?? []) metrics.add(m.key);
    for (const p of run.data.params ?? []) params.add(p.key);
    for (const t of run.data.tags ?? []) if (!t.key.startsWith("mlflow.")) tags.add(t.key);
  }
  const sorted = (set: Set<string>) => [...set].sort((a, b) => a.localeCompare(b));
  return { metrics: sorted(metrics), params: sorted(params), tags: sorted(tags) };
}
