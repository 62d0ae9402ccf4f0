// Spans of a trace as a tree with timings, and OpenTelemetry attribute values made plain.
import type { AnyValue, Span } from "../api/traces";

export interface SpanNode {
  span: Span;
  depth: number;
  /** Start and end in milliseconds from the start of the trace. */
  startMs: number;
  endMs: number;
  children: SpanNode[];
}

/** A plain JS value for an OpenTelemetry AnyValue. */
export function plainValue(value: AnyValue | undefined): unknown {
  if (!value) return null;
  if (value.string_value !== undefined) return value.string_value;
  if (value.bool_value !== undefined) return value.bool_value;
  if (value.int_value !== undefined) return Number(value.int_value);
  if (value.double_value !== undefined) return value.double_value;
  if (value.bytes_value !== undefined) return value.bytes_value;
  if (value.array_value) return (value.array_value.values ?? []).map(plainValue);
  if (value.kvlist_value) {
    return Object.fromEntries((value.kvlist_value.values ?? []).map((kv) => [kv.key, plainValue(kv.value)]));
  }
  return null;
}

/** Attributes of a span as a key → value object. */
export function spanAttributes(span: Span): Record<string, unknown> {
  return Object.fromEntries((span.attributes ?? []).map((a) => [a.key, plainValue(a.value)]));
}

/** Nanoseconds as a bigint: int64 times sent as strings stay exact (numbers are rounded by JSON). */
const nanos = (value: number | string | undefined): bigint | null => {
  if (value === undefined || value === null || value === "") return null;
  try {
    return typeof value === "number" ? BigInt(Math.round(value)) : BigInt(value);
  } catch {
    return null;
  }
};

const msSince = (origin: bigint, at: bigint): number => Number(at - origin) / 1e6;

/**
 * The spans nested by parent_span_id, children in start order; spans whose parent is missing
 * become roots. Times are relative to the earliest start; an unfinished span ends at the latest end.
 */
export function spanTree(spans: readonly Span[]): { roots: SpanNode[]; totalMs: number } {
  if (!spans.length) return { roots: [], totalMs: 0 };
  const starts = spans.map((s) => nanos(s.start_time_unix_nano) ?? 0n);
  const origin = starts.reduce((a, b) => (b < a ? b : a));
  const ends = spans.map((s, i) => nanos(s.end_time_unix_nano) ?? starts[i]!);
  const latest = ends.reduce((a, b) => (b > a ? b : a));
  const nodes = new Map<string, SpanNode>();
  spans.forEach((span, i) => {
    const end = nanos(span.end_time_unix_nano) ?? latest;
    nodes.set(span.span_id, {
      span,
      depth: 0,
      startMs: msSince(origin, starts[i]!),
      endMs: msSince(origin, end),
      children: [],
    });
  });
  const roots: SpanNode[] = [];
  for (const node of nodes.values()) {
    const parent = node.span.parent_span_id ? nodes.get(node.span.parent_span_id) : undefined;
    if (parent && parent !== node) parent.children.push(node);
    else roots.push(node);
  }
  const order = (list: SpanNode[], depth: number) => {
    list.sort((a, b) => a.startMs - b.startMs);
    for (const node of list) {
      node.depth = depth;
      order(node.children, depth + 1);
    }
  };
  order(roots, 0);
  return { roots, totalMs: msSince(origin, latest) };
}

/** The tree in display order (depth first), skipping the children of collapsed spans. */
export function flattenTree(roots: readonly SpanNode[], collapsed: ReadonlySet<string> = new Set()): SpanNode[] {
  const out: SpanNode[] = [];
  const walk = (list: readonly SpanNode[]) => {
    for (const node of list) {
      out.push(node);
      if (!collapsed.has(node.span.span_id)) walk(node.children);
    }
  };
  walk(roots);
  return out;
}

/** `1.5s` / `0.098s` (protobuf Duration) → milliseconds. */
export function durationMs(duration: string | undefined): number | undefined {
  if (!duration) return undefined;
  const match = /^(-?[\d.]+)s$/.exec(duration.trim());
  return match ? Number(match[1]) * 1000 : undefined;
}

/** A protobuf Timestamp string as epoch milliseconds. */
export function isoMs(value: string | undefined): number | undefined {
  const ms = value ? Date.parse(value) : NaN;
  return Number.isFinite(ms) ? ms : undefined;
}

export function formatMs(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return "";
  if (ms < 1) return `${ms.toFixed(2)} ms`;
  if (ms < 1000) return `${ms < 10 ? ms.toFixed(1) : Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

/** JSON-looking text pretty-printed, anything else as it is. */
export function prettyValue(value: unknown): string {
  if (typeof value === "string") {
    try {
      const parsed: unknown = JSON.parse(value);
      if (parsed !== null && typeof parsed === "object") return JSON.stringify(parsed, null, 2);
    } catch {
      return value;
    }
    return value;
  }
  return JSON.stringify(value, null, 2) ?? String(value);
}
