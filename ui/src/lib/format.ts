// How values look on screen.

export function formatTime(ms: number | undefined): string {
  if (ms === undefined || ms === null) return "";
  const date = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, "0");
  return (
    `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ` +
    `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`
  );
}

export function formatDuration(startMs: number | undefined, endMs: number | undefined): string {
  if (!startMs) return "";
  const seconds = Math.max(0, Math.round(((endMs ?? Date.now()) - startMs) / 1000));
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m ${seconds % 60}s`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours}h ${minutes % 60}m`;
  return `${Math.floor(hours / 24)}d ${hours % 24}h`;
}

/** Metric values: short but exact enough to tell runs apart. */
export function formatNumber(value: number | string | undefined): string {
  if (value === undefined) return "";
  if (typeof value === "string") return value;
  if (Number.isInteger(value)) return String(value);
  const abs = Math.abs(value);
  if (abs !== 0 && (abs < 1e-4 || abs >= 1e6)) return value.toExponential(4);
  return String(Number(value.toPrecision(6)));
}

/** A metric value as a number (the server writes NaN as the string "NaN"). */
export function metricNumber(value: number | string): number {
  return typeof value === "number" ? value : Number(value);
}
