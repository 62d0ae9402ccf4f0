// The server's OpenAPI description (`/api/openapi.json`), read by the API reference page.
import { basePath } from "../lib/base";
import { get } from "./client";

/** The parts of a JSON Schema the reference page shows. */
export interface JsonSchema {
  type?: string | string[];
  format?: string;
  enum?: unknown[];
  anyOf?: JsonSchema[];
  items?: JsonSchema;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  default?: unknown;
  description?: string;
  $ref?: string;
}

export interface Parameter {
  name: string;
  in: "path" | "query" | "header" | "cookie";
  required?: boolean;
  description?: string;
  schema?: JsonSchema;
}

export interface Operation {
  operationId: string;
  summary?: string;
  tags?: string[];
  parameters?: Parameter[];
  requestBody?: { required?: boolean; content: Record<string, { schema?: JsonSchema }> };
  responses: Record<string, { description?: string; content?: Record<string, unknown> } | { $ref: string }>;
}

export interface OpenApiDocument {
  openapi: string;
  info: { title: string; version: string; description?: string };
  tags?: { name: string; description?: string }[];
  paths: Record<string, Record<string, Operation>>;
}

/** Where the description is served (below the server's mount point). */
export function openApiUrl(): string {
  return `${basePath()}api/openapi.json`;
}

let pending: Promise<OpenApiDocument> | null = null;

/** The description, fetched once per page load (a failed fetch is retried next time). */
export function openApiDocument(): Promise<OpenApiDocument> {
  pending ??= get<OpenApiDocument>("/openapi.json", {}, `${basePath()}api`).catch((exc: unknown) => {
    pending = null;
    throw exc;
  });
  return pending;
}
