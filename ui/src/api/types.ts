// JSON shapes of the tracking API (snake_case, as the server sends them).

export interface KeyValue {
  key: string;
  value: string;
}

export type LifecycleStage = "active" | "deleted";
export type ViewType = "ACTIVE_ONLY" | "DELETED_ONLY" | "ALL";
export type RunStatus = "RUNNING" | "SCHEDULED" | "FINISHED" | "FAILED" | "KILLED";

export interface Experiment {
  experiment_id: string;
  name: string;
  artifact_location?: string;
  lifecycle_stage: LifecycleStage;
  last_update_time?: number;
  creation_time?: number;
  tags?: KeyValue[];
}

export interface Metric {
  key: string;
  value: number | string;
  timestamp: number;
  step: number;
  run_id?: string;
}

export interface RunInfo {
  run_id: string;
  run_name?: string;
  experiment_id: string;
  user_id?: string;
  status: RunStatus;
  start_time?: number;
  end_time?: number;
  artifact_uri?: string;
  lifecycle_stage: LifecycleStage;
}

export interface Dataset {
  name: string;
  digest: string;
  source_type?: string;
  source?: string;
  schema?: string;
  profile?: string;
}

export interface DatasetInput {
  tags?: KeyValue[];
  dataset: Dataset;
}

export interface Run {
  info: RunInfo;
  data: { metrics?: Metric[]; params?: KeyValue[]; tags?: KeyValue[] };
  inputs?: { dataset_inputs?: DatasetInput[]; model_inputs?: { model_id: string }[] };
  outputs?: { model_outputs?: { model_id: string; step: number }[] };
}

export interface SearchExperimentsResponse {
  experiments?: Experiment[];
  next_page_token?: string;
}

export interface SearchRunsResponse {
  runs?: Run[];
  next_page_token?: string;
}

export interface MetricsResponse {
  metrics?: Metric[];
}

export interface FileInfo {
  path: string;
  is_dir?: boolean;
  file_size?: number;
}

export interface ListArtifactsResponse {
  root_uri?: string;
  files?: FileInfo[];
}
