// Typed calls for the model registry and logged models (mlflow-api.md §1.7, §1.8, §2.7).
import { get, post, sendJson } from "./client";
import type { KeyValue, Metric } from "./types";

export type Stage = "None" | "Staging" | "Production" | "Archived";
export const STAGES: readonly Stage[] = ["None", "Staging", "Production", "Archived"];

export interface ModelVersion {
  name: string;
  version: string;
  creation_timestamp?: number;
  last_updated_timestamp?: number;
  user_id?: string;
  current_stage?: Stage;
  description?: string;
  source?: string;
  run_id?: string;
  status?: string;
  status_message?: string;
  tags?: KeyValue[];
  run_link?: string;
  aliases?: string[];
  model_id?: string;
}

export interface RegisteredModel {
  name: string;
  creation_timestamp?: number;
  last_updated_timestamp?: number;
  user_id?: string;
  description?: string;
  latest_versions?: ModelVersion[];
  tags?: KeyValue[];
  aliases?: { alias: string; version: string }[];
}

export interface LoggedModel {
  info: {
    model_id: string;
    experiment_id: string;
    name?: string;
    creation_timestamp_ms?: number;
    last_updated_timestamp_ms?: number;
    artifact_uri?: string;
    status?: string;
    creator_id?: string;
    model_type?: string;
    source_run_id?: string;
    status_message?: string;
    tags?: KeyValue[];
  };
  data?: { params?: KeyValue[]; metrics?: Metric[] };
}

/** Prompts are registered models with this tag; the models list leaves them out. */
export const NOT_A_PROMPT = "tags.`mlflow.prompt.is_prompt` != 'true'";

/** The server filter for a models search box: a bare word matches names, anything else is a filter. */
export function modelFilter(text: string): string {
  const query = text.trim();
  if (!query) return NOT_A_PROMPT;
  const plain = /^[\w.\- ]+$/.test(query) && !/\s(and|like|ilike|in)\s/i.test(` ${query} `);
  const clause = plain ? `name ILIKE '%${query.replace(/'/g, "''")}%'` : query;
  return `${clause} AND ${NOT_A_PROMPT}`;
}

export function searchRegisteredModels(
  filter: string,
  pageToken?: string,
): Promise<{ registered_models?: RegisteredModel[]; next_page_token?: string }> {
  return get("/registered-models/search", {
    filter,
    max_results: 100,
    order_by: ["name ASC"],
    page_token: pageToken,
  });
}

export async function getRegisteredModel(name: string): Promise<RegisteredModel> {
  const res = await get<{ registered_model: RegisteredModel }>("/registered-models/get", { name });
  return res.registered_model;
}

export const updateRegisteredModel = (name: string, description: string): Promise<unknown> =>
  sendJson("PATCH", "/registered-models/update", { name, description });

export const setModelTag = (name: string, key: string, value: string): Promise<unknown> =>
  post("/registered-models/set-tag", { name, key, value });

export const deleteModelTag = (name: string, key: string): Promise<unknown> =>
  sendJson("DELETE", "/registered-models/delete-tag", { name, key });

export const setAlias = (name: string, alias: string, version: string): Promise<unknown> =>
  post("/registered-models/alias", { name, alias, version });

export const deleteAlias = (name: string, alias: string): Promise<unknown> =>
  sendJson("DELETE", "/registered-models/alias", { name, alias });

export async function searchModelVersions(name: string): Promise<ModelVersion[]> {
  const res = await get<{ model_versions?: ModelVersion[] }>("/model-versions/search", {
    filter: `name = '${name.replace(/'/g, "''")}'`,
    max_results: 1000,
    order_by: ["version_number DESC"],
  });
  return res.model_versions ?? [];
}

export async function getModelVersion(name: string, version: string): Promise<ModelVersion> {
  const res = await get<{ model_version: ModelVersion }>("/model-versions/get", { name, version });
  return res.model_version;
}

export const updateModelVersion = (name: string, version: string, description: string): Promise<unknown> =>
  sendJson("PATCH", "/model-versions/update", { name, version, description });

export async function transitionStage(name: string, version: string, stage: Stage): Promise<ModelVersion> {
  const res = await post<{ model_version: ModelVersion }>("/model-versions/transition-stage", {
    name,
    version,
    stage,
    archive_existing_versions: false,
  });
  return res.model_version;
}

export const setVersionTag = (name: string, version: string, key: string, value: string): Promise<unknown> =>
  post("/model-versions/set-tag", { name, version, key, value });

export const deleteVersionTag = (name: string, version: string, key: string): Promise<unknown> =>
  sendJson("DELETE", "/model-versions/delete-tag", { name, version, key });

export function searchLoggedModels(
  experimentId: string,
  filter: string,
  pageToken?: string,
): Promise<{ models?: LoggedModel[]; next_page_token?: string }> {
  return post("/logged-models/search", {
    experiment_ids: [experimentId],
    filter: filter || undefined,
    max_results: 100,
    order_by: [{ field_name: "creation_timestamp", ascending: false }],
    page_token: pageToken,
  });
}

/** `LOGGED_MODEL_READY` → `ready`. */
export function loggedModelStatus(status: string | undefined): string {
  return (status ?? "").replace(/^LOGGED_MODEL_/, "").toLowerCase();
}
