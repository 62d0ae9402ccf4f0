// Links into MLflow's web UI are hash routes (`http://host/#/experiments/1/runs/<id>`): the
// stock client prints them, MLflow's docs and notebooks carry them. Each one is translated
// into the runhub page that shows the same thing, or the nearest page runhub has.
import { DEFAULT_QUERY, runQueryParams } from "./runQuery";

/** MLflow's query keys that name a trace to open (the traces tab and the experiment page). */
const TRACE_KEYS = ["selectedEvaluationId", "selectedTraceId", "traceId"];

const seg = encodeURIComponent;

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** A JSON value from the query (`runs=["a","b"]`), or undefined when it is missing or broken. */
function json(text: string | null): unknown {
  if (text === null) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function jsonList(text: string | null): string[] {
  const value = json(text);
  if (!Array.isArray(value)) return [];
  return value.filter((item) => typeof item === "string" || typeof item === "number").map(String);
}

function withQuery(path: string, params: URLSearchParams): string {
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

/**
 * The runhub path (with its query) for an MLflow UI hash such as `#/experiments/1/runs/abc`,
 * or null when `hash` is not a hash route (runhub's own URLs never start with `#/`).
 * Forms runhub has no page for land on the nearest page that exists, never on an error.
 */
export function translateMlflowHash(hash: string): string | null {
  if (!hash.startsWith("#/")) return null;
  const body = hash.slice(1);
  const mark = body.indexOf("?");
  const path = mark < 0 ? body : body.slice(0, mark);
  const query = new URLSearchParams(mark < 0 ? "" : body.slice(mark + 1));
  const [head, ...rest] = path.split("/").filter(Boolean).map(decode);
  switch (head) {
    case "experiments":
      return experimentLink(rest, query);
    case "runs":
      return rest[0] ? `/runs/${seg(rest[0])}` : "/experiments";
    case "compare-runs":
      return compareLink(query, undefined);
    case "metric":
      return compareLink(query, rest[0] ?? metricKey(query));
    case "models":
      return modelLink(rest);
    case "compare-model-versions":
      return modelVersionsLink(query);
    case "prompts":
      return promptLink(rest[0], query);
    default:
      // `#/`, `#/compare-experiments/...` and anything unknown: the experiments list.
      return "/experiments";
  }
}

function traceParam(query: URLSearchParams): string | undefined {
  for (const key of TRACE_KEYS) {
    const value = query.get(key);
    if (value) return value;
  }
  return undefined;
}

function experimentLink(rest: string[], query: URLSearchParams): string {
  const [id, tab, item] = rest;
  if (!id) return "/experiments";
  const base = `/experiments/${seg(id)}`;
  const trace = traceParam(query);
  switch (tab) {
    case "runs":
      if (item) return `${base}/runs/${seg(item)}`;
      break;
    case "evaluation-runs": {
      const run = item ?? query.get("selectedRunUuid");
      if (run) return `${base}/runs/${seg(run)}`;
      break;
    }
    case "models":
      if (!item) return `${base}/models`;
      return withQuery(`${base}/models`, new URLSearchParams({ filter: `model_id = '${item.replaceAll("'", "\\'")}'` }));
    case "traces":
      if (item ?? trace) return `${base}/traces/${seg(item ?? trace ?? "")}`;
      return `${base}/traces`;
    case "prompts":
      return promptLink(item, query);
  }
  if (trace) return `${base}/traces/${seg(trace)}`;
  if (query.get("compareRunsMode") === "TRACES") return `${base}/traces`;
  // The runs table, with the filter and lifecycle MLflow's experiment page keeps in its query.
  const view = query.get("lifecycleFilter")?.toLowerCase() === "deleted" ? "DELETED_ONLY" : "ACTIVE_ONLY";
  const filter = query.get("searchFilter") ?? "";
  return withQuery(base, runQueryParams({ ...DEFAULT_QUERY, filter, view }));
}

function metricKey(query: URLSearchParams): string | undefined {
  const key = json(query.get("metric"));
  if (typeof key === "string") return key;
  return jsonList(query.get("plot_metric_keys"))[0];
}

/** `#/compare-runs` and `#/metric`: the compare page, with the metric's chart settings. */
function compareLink(query: URLSearchParams, metric: string | undefined): string {
  const runs = jsonList(query.get("runs"));
  const experiments = jsonList(query.get("experiments"));
  const only = experiments.length === 1 ? experiments[0] : undefined;
  if (!runs.length) return only ? `/experiments/${seg(only)}` : "/experiments";
  const params = new URLSearchParams();
  // The compare page reads runs of one experiment in one search; across several, one by one.
  if (only) params.set("exp", only);
  params.set("runs", runs.join(","));
  if (metric) params.set("metric", metric);
  const xAxis = query.get("x_axis");
  if (xAxis === "wall" || xAxis === "relative") params.set("x", xAxis);
  if (query.get("y_axis_scale") === "log") params.set("log", "1");
  return withQuery("/compare", params);
}

function modelLink(rest: string[]): string {
  const [name, subpage, version] = rest;
  if (!name) return "/models";
  if (subpage === "versions" && version) return `/models/${seg(name)}/versions/${seg(version)}`;
  return `/models/${seg(name)}`;
}

/** `#/compare-model-versions?name="<url-encoded name>"&runs={...}`: the model's page. */
function modelVersionsLink(query: URLSearchParams): string {
  const name = json(query.get("name"));
  return typeof name === "string" && name ? `/models/${seg(decode(name))}` : "/models";
}

function promptLink(name: string | undefined, query: URLSearchParams): string {
  if (!name) return "/prompts";
  const version = query.get("promptVersion");
  return withQuery(`/prompts/${seg(name)}`, new URLSearchParams(version ? { v: version } : {}));
}
