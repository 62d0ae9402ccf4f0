// Nested runs: children (tag mlflow.parentRunId) shown right under their parent.
import type { Run } from "../api/types";

export const PARENT_TAG = "mlflow.parentRunId";

export interface RunRow {
  run: Run;
  depth: number;
  childCount: number;
}

export function parentId(run: Run): string | undefined {
  return run.data.tags?.find((tag) => tag.key === PARENT_TAG)?.value;
}

/**
 * Rows in display order: each run keeps its place among its siblings, and its children follow
 * it (unless it is collapsed). A child whose parent is not in `runs` is shown at the top level.
 */
export function nestRuns(runs: readonly Run[], collapsed: ReadonlySet<string> = new Set()): RunRow[] {
  const present = new Set(runs.map((run) => run.info.run_id));
  const children = new Map<string, Run[]>();
  const roots: Run[] = [];
  for (const run of runs) {
    const parent = parentId(run);
    if (parent && parent !== run.info.run_id && present.has(parent)) {
      const list = children.get(parent) ?? [];
      list.push(run);
      children.set(parent, list);
    } else {
      roots.push(run);
    }
  }
  const rows: RunRow[] = [];
  const seen = new Set<string>();
  const visit = (run: Run, depth: number) => {
    if (seen.has(run.info.run_id)) return; // a parent cycle must not loop forever
    seen.add(run.info.run_id);
    const kids = children.get(run.info.run_id) ?? [];
    rows.push({ run, depth, childCount: kids.length });
    if (!collapsed.has(run.info.run_id)) for (const kid of kids) visit(kid, depth + 1);
  };
  for (const run of roots) visit(run, 0);
  // Runs caught in a parent cycle are never reached from a root: show them at the top level.
  const byId = new Map(runs.map((run) => [run.info.run_id, run]));
  for (const run of runs) {
    if (!seen.has(run.info.run_id) && !isHiddenDescendant(run, collapsed, byId)) visit(run, 0);
  }
  return rows;
}

function isHiddenDescendant(
  run: Run,
  collapsed: ReadonlySet<string>,
  byId: ReadonlyMap<string, Run>,
): boolean {
  let current: Run | undefined = run;
  const path = new Set<string>();
  while (current) {
    const parent = parentId(current);
    if (!parent || path.has(parent)) return false;
    path.add(parent);
    if (collapsed.has(parent)) return true;
    current = byId.get(parent);
  }
  return false;
}
