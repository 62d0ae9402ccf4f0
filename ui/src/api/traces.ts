// Typed calls for traces and their assessments (mlflow-api.md §1.9, §2.7, §5.6).
import { API_V3_ROOT, get, post } from "./client";

export type TraceState = "OK" | "ERROR" | "IN_PROGRESS" | "STATE_UNSPECIFIED";

export interface Assessment {
  assessment_id: string;
  assessment_name: string;
  trace_id?: string;
  span_id?: string;
  source?: { source_type?: string; source_id?: string };
  create_time?: string;
  last_update_time?: string;
  feedback?: { value?: unknown; error?: { error_code?: string; error_message?: string } };
  expectation?: { value?: unknown; serialized_value?: { value?: string } };
  rationale?: string;
  valid?: boolean;
}

export interface TraceInfo {
  trace_id: string;
  client_request_id?: string;
  trace_location?: { type?: string; mlflow_experiment?: { experiment_id?: string } };
  request_time?: string;
  execution_duration?: string;
  state?: TraceState;
  request_preview?: string;
  response_preview?: string;
  trace_metadata?: Record<string, string>;
  tags?: Record<string, string>;
  assessments?: Assessment[];
}

/** An OpenTelemetry attribute value as the server sends it (protobuf JSON). */
export interface AnyValue {
  string_value?: string;
  bool_value?: boolean;
  int_value?: string | number;
  double_value?: number;
  bytes_value?: string;
  array_value?: { values?: AnyValue[] };
  kvlist_value?: { values?: { key: string; value?: AnyValue }[] };
}

export interface Span {
  trace_id?: string;
  span_id: string;
  parent_span_id?: string;
  name: string;
  start_time_unix_nano: number | string;
  end_time_unix_nano?: number | string;
  attributes?: { key: string; value?: AnyValue }[];
  events?: { name: string; time_unix_nano?: number | string; attributes?: { key: string; value?: AnyValue }[] }[];
  status?: { code?: string; message?: string };
}

export interface Trace {
  trace_info: TraceInfo;
  spans?: Span[];
}

export interface TraceSearch {
  experimentId: string;
  filter?: string;
  pageToken?: string;
  maxResults?: number;
}

/** The user's filter and the status choice as one trace search filter. */
export function traceFilter(filter: string, state: string): string {
  const parts = [filter.trim(), state ? `attributes.status = '${state}'` : ""].filter(Boolean);
  return parts.length > 1 ? parts.map((p) => `(${p})`).join(" AND ") : (parts[0] ?? "");
}

export function searchTraces(search: TraceSearch): Promise<{ traces?: TraceInfo[]; next_page_token?: string }> {
  return post(
    "/traces/search",
    {
      locations: [{ type: "MLFLOW_EXPERIMENT", mlflow_experiment: { experiment_id: search.experimentId } }],
      filter: search.filter || undefined,
      max_results: search.maxResults ?? 100,
      order_by: ["timestamp_ms DESC"],
      page_token: search.pageToken,
    },
    API_V3_ROOT,
  );
}

/** The trace with its spans, and its info read on its own (which carries the assessments). */
export async function getTrace(traceId: string): Promise<Trace> {
  const [full, info] = await Promise.all([
    get<{ trace: Trace }>("/traces/get", { trace_id: traceId }, API_V3_ROOT),
    get<{ trace: { trace_info: TraceInfo } }>(`/traces/${encodeURIComponent(traceId)}`, {}, API_V3_ROOT),
  ]);
  return { ...full.trace, trace_info: { ...full.trace.trace_info, ...info.trace.trace_info } };
}
