// CSV export of runs (RFC 4180 quoting).
import type { Run } from "../api/types";
import { cellValue, columnLabel, parseColumn, type ColumnId } from "./columns";

/** Text a spreadsheet would run as a formula (=, +, -, @ at the start) unless it is a number. */
const FORMULA = /^[=+\-@\t\r]/;

export function csvField(value: unknown): string {
  if (value === undefined || value === null) return "";
  let text = String(value);
  // A quote in front keeps an opened export from running cell formulas planted in run data.
  if (typeof value === "string" && FORMULA.test(text) && !Number.isFinite(Number(text))) {
    text = `'${text}`;
  }
  return /[",\r\n]/.test(text) || text !== text.trim() ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv(header: readonly string[], rows: readonly (readonly unknown[])[]): string {
  return [header, ...rows].map((row) => row.map(csvField).join(",")).join("\r\n") + "\r\n";
}

/** One line per run: its id, then every column id given, labelled by kind and key. */
export function runsToCsv(runs: readonly Run[], columnIds: readonly string[]): string {
  const columns = columnIds.map(parseColumn).filter((c): c is ColumnId => c !== null);
  const header = [
    "run_id",
    ...columns.map((c) => (c.kind === "attributes" ? columnLabel(c) : `${c.kind}.${c.key}`)),
  ];
  const rows = runs.map((run) => [run.info.run_id, ...columns.map((c) => csvCell(run, c))]);
  return toCsv(header, rows);
}

function csvCell(run: Run, column: ColumnId): unknown {
  const value = cellValue(run, column);
  if (column.kind === "attributes" && (column.key === "start_time" || column.key === "end_time")) {
    return typeof value === "number" ? new Date(value).toISOString() : "";
  }
  return value;
}
