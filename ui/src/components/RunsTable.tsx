import { useVirtualizer } from "@tanstack/react-virtual";
import { useEffect, useMemo, useRef, useState } from "react";
import { Link } from "react-router-dom";
import type { Run } from "../api/types";
import { cellValue, columnLabel, parseColumn, runName, type ColumnId } from "../lib/columns";
import { formatDuration, formatNumber, formatTime } from "../lib/format";
import { nestRuns } from "../lib/nesting";

const ROW_HEIGHT = 32;
const FIXED = "36px 260px 96px 176px 90px 100px";
const FIXED_WIDTH = 36 + 260 + 96 + 176 + 90 + 100;
const COLUMN_WIDTH = 120;
const MAX_SELECT_ALL = 1000;

interface Props {
  runs: Run[];
  columns: string[];
  sort: string;
  desc: boolean;
  selected: string[];
  hasMore: boolean;
  loading: boolean;
  /** The search failed: show no "no runs" note under the error. */
  failed: boolean;
  onSort: (columnId: string) => void;
  onSelect: (selected: string[]) => void;
  onNeedMore: () => void;
}

/** Runs as a virtualized grid: only the rows on screen exist in the page. */
export function RunsTable(props: Props) {
  const { runs, sort, desc, selected, hasMore, loading, failed, onSort, onSelect, onNeedMore } = props;
  const [collapsed, setCollapsed] = useState<Set<string>>(new Set());
  const rows = useMemo(() => nestRuns(runs, collapsed), [runs, collapsed]);
  const columns = useMemo(
    () => props.columns.map(parseColumn).filter((c): c is ColumnId => c !== null),
    [props.columns],
  );
  const template = `${FIXED} ${columns.map(() => `${COLUMN_WIDTH}px`).join(" ")}`;
  const width = FIXED_WIDTH + COLUMN_WIDTH * columns.length;
  const selectedSet = new Set(selected);
  const scroller = useRef<HTMLDivElement>(null);

  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 15,
  });
  const items = virtualizer.getVirtualItems();
  const lastIndex = items.length ? items[items.length - 1]!.index : -1;

  useEffect(() => {
    if (hasMore && !loading && lastIndex >= rows.length - 30) onNeedMore();
  }, [hasMore, loading, lastIndex, rows.length, onNeedMore]);

  const toggleRun = (id: string) =>
    onSelect(selectedSet.has(id) ? selected.filter((s) => s !== id) : [...selected, id]);
  // The selection lives in the URL, so "select all" stops at a length every browser accepts.
  const selectable = runs.slice(0, MAX_SELECT_ALL);
  const allSelected = selectable.length > 0 && selectable.every((run) => selectedSet.has(run.info.run_id));
  const toggleAll = () => onSelect(allSelected ? [] : selectable.map((run) => run.info.run_id));
  const toggleCollapse = (id: string) => {
    const next = new Set(collapsed);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    setCollapsed(next);
  };

  const header = (id: string, label: string, numeric = false) => (
    <button
      type="button"
      className={`th sortable${numeric ? " num" : ""}${sort === id ? " sorted" : ""}`}
      onClick={() => onSort(id)}
      title={`Sort by ${label}`}
      aria-sort={sort === id ? (desc ? "descending" : "ascending") : "none"}
    >
      <span className="th-label">{label}</span>
      {sort === id ? <span className="arrow">{desc ? "▼" : "▲"}</span> : null}
    </button>
  );

  return (
    <div className="runs-table" role="table" aria-label="Runs" aria-rowcount={rows.length}>
      <div className="runs-scroller" ref={scroller}>
        <div className="tr thead" role="row" style={{ gridTemplateColumns: template, minWidth: width }}>
          <span className="th">
            <input
              type="checkbox"
              aria-label="Select all runs"
              title={runs.length > MAX_SELECT_ALL ? `Select the first ${MAX_SELECT_ALL} runs` : "Select all loaded runs"}
              checked={allSelected}
              onChange={toggleAll}
            />
          </span>
          {header("attributes.run_name", "Run name")}
          {header("attributes.status", "Status")}
          {header("attributes.start_time", "Started")}
          <span className="th">Duration</span>
          {header("attributes.user_id", "User")}
          {columns.map((column) => {
            const id = `${column.kind}.${column.key}`;
            const prefix = column.kind === "metrics" ? "" : column.kind === "params" ? "param " : "tag ";
            return (
              <span key={id} className="th-wrap" title={id}>
                {header(id, `${prefix}${columnLabel(column)}`, column.kind === "metrics")}
              </span>
            );
          })}
        </div>
        <div style={{ height: virtualizer.getTotalSize(), position: "relative", minWidth: width }}>
          {items.map((item) => {
            const row = rows[item.index]!;
            const run = row.run;
            const id = run.info.run_id;
            return (
              <div
                key={id}
                role="row"
                data-run-id={id}
                className={`tr${selectedSet.has(id) ? " selected" : ""}${
                  run.info.lifecycle_stage === "deleted" ? " deleted" : ""
                }`}
                style={{
                  gridTemplateColumns: template,
                  position: "absolute",
                  top: 0,
                  left: 0,
                  width: "100%",
                  height: ROW_HEIGHT,
                  transform: `translateY(${item.start}px)`,
                }}
              >
                <span className="td">
                  <input
                    type="checkbox"
                    aria-label={`Select ${runName(run)}`}
                    checked={selectedSet.has(id)}
                    onChange={() => toggleRun(id)}
                  />
                </span>
                <span className="td name" style={{ paddingLeft: 6 + row.depth * 18 }}>
                  {row.childCount > 0 ? (
                    <button
                      type="button"
                      className="link expander"
                      aria-label={collapsed.has(id) ? "Expand children" : "Collapse children"}
                      onClick={() => toggleCollapse(id)}
                    >
                      {collapsed.has(id) ? "▸" : "▾"}
                    </button>
                  ) : row.depth > 0 ? (
                    <span className="nest-mark">└</span>
                  ) : null}
                  <Link to={`/experiments/${run.info.experiment_id}/runs/${id}`}>{runName(run)}</Link>
                  {row.childCount > 0 ? <span className="muted"> ({row.childCount})</span> : null}
                </span>
                <span className="td">
                  <span className={`status status-${run.info.status.toLowerCase()}`}>{run.info.status}</span>
                </span>
                <span className="td">{formatTime(run.info.start_time)}</span>
                <span className="td">{formatDuration(run.info.start_time, run.info.end_time)}</span>
                <span className="td">{run.info.user_id}</span>
                {columns.map((column) => {
                  const value = cellValue(run, column);
                  return (
                    <span key={`${column.kind}.${column.key}`} className={`td${column.kind === "metrics" ? " num" : ""}`}>
                      {column.kind === "metrics" && value !== undefined ? formatNumber(value) : value}
                    </span>
                  );
                })}
              </div>
            );
          })}
        </div>
        {rows.length === 0 && !loading && !failed ? <p className="muted empty">No runs match.</p> : null}
      </div>
    </div>
  );
}
