// Typed calls for every tracking route the UI uses.
import { basePath } from "../lib/base";
import { get, post } from "./client";
import type {
  Experiment,
  KeyValue,
  ListArtifactsResponse,
  Metric,
  MetricsResponse,
  Run,
  SearchExperimentsResponse,
  SearchRunsResponse,
  ViewType,
} from "./types";

/** Server limits for get-history-bulk-interval (mlflow-api.md §4.3). */
export const MAX_RUNS_PER_HISTORY_CALL = 100;
export const MAX_POINTS_PER_RUN = 2500;

export interface ExperimentSearch {
  filter?: string;
  view_type?: ViewType;
  max_results?: number;
  order_by?: string[];
  page_token?: string;
}

export function searchExperiments(search: ExperimentSearch): Promise<SearchExperimentsResponse> {
  return post("/experiments/search", { max_results: 1000, ...search });
}

export async function getExperiment(experimentId: string): Promise<Experiment> {
  const res = await get<{ experiment: Experiment }>("/experiments/get", {
    experiment_id: experimentId,
  });
  return res.experiment;
}

export async function createExperiment(name: string, tags: KeyValue[] = []): Promise<string> {
  const res = await post<{ experiment_id: string }>("/experiments/create", { name, tags });
  return res.experiment_id;
}

export const renameExperiment = (experimentId: string, newName: string): Promise<unknown> =>
  post("/experiments/update", { experiment_id: experimentId, new_name: newName });

export const deleteExperiment = (experimentId: string): Promise<unknown> =>
  post("/experiments/delete", { experiment_id: experimentId });

export const restoreExperiment = (experimentId: string): Promise<unknown> =>
  post("/experiments/restore", { experiment_id: experimentId });

export const setExperimentTag = (experimentId: string, key: string, value: string): Promise<unknown> =>
  post("/experiments/set-experiment-tag", { experiment_id: experimentId, key, value });

export const deleteExperimentTag = (experimentId: string, key: string): Promise<unknown> =>
  post("/experiments/delete-experiment-tag", { experiment_id: experimentId, key });

export interface RunSearch {
  experiment_ids: string[];
  filter?: string;
  run_view_type?: ViewType;
  max_results?: number;
  order_by?: string[];
  page_token?: string;
}

export function searchRuns(search: RunSearch): Promise<SearchRunsResponse> {
  return post("/runs/search", search);
}

export async function getRun(runId: string): Promise<Run> {
  const res = await get<{ run: Run }>("/runs/get", { run_id: runId });
  return res.run;
}

export const deleteRun = (runId: string): Promise<unknown> => post("/runs/delete", { run_id: runId });

export const restoreRun = (runId: string): Promise<unknown> =>
  post("/runs/restore", { run_id: runId });

export const setRunTag = (runId: string, key: string, value: string): Promise<unknown> =>
  post("/runs/set-tag", { run_id: runId, key, value });

export const deleteRunTag = (runId: string, key: string): Promise<unknown> =>
  post("/runs/delete-tag", { run_id: runId, key });

export interface HistoryRequest {
  runIds: string[];
  metricKey: string;
  maxResults?: number;
  startStep?: number;
  endStep?: number;
}

/** Histories of one metric for any number of runs, sampled by the server, 100 runs per call. */
export async function getHistories(request: HistoryRequest): Promise<Map<string, Metric[]>> {
  const chunks: string[][] = [];
  for (let i = 0; i < request.runIds.length; i += MAX_RUNS_PER_HISTORY_CALL) {
    chunks.push(request.runIds.slice(i, i + MAX_RUNS_PER_HISTORY_CALL));
  }
  const responses = await Promise.all(
    chunks.map((runIds) =>
      get<MetricsResponse>("/metrics/get-history-bulk-interval", {
        run_ids: runIds,
        metric_key: request.metricKey,
        max_results: Math.min(request.maxResults ?? 1000, MAX_POINTS_PER_RUN),
        start_step: request.startStep,
        end_step: request.endStep,
      }),
    ),
  );
  const byRun = new Map<string, Metric[]>(request.runIds.map((id) => [id, []]));
  for (const res of responses) {
    for (const point of res.metrics ?? []) {
      if (point.run_id) byRun.get(point.run_id)?.push(point);
    }
  }
  return byRun;
}

export function listArtifacts(runId: string, path: string): Promise<ListArtifactsResponse> {
  return get("/artifacts/list", { run_id: runId, path: path || undefined });
}

/** URL that downloads one run artifact. */
export function artifactUrl(runId: string, path: string): string {
  const params = new URLSearchParams({ run_id: runId, path });
  return `${basePath()}get-artifact?${params.toString()}`;
}
