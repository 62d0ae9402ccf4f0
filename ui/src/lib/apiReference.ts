// The OpenAPI description as the reference page lists it: operations grouped by tag, each with
// its parameters and request body fields in rows, and a text filter over all of them.
import type { JsonSchema, OpenApiDocument, Operation } from "../api/openapi";

export interface FieldRow {
  /** Dotted for nested fields: `metrics[].key`. */
  name: string;
  where: string;
  type: string;
  required: boolean;
  note?: string;
}

export interface OperationEntry {
  id: string;
  method: string;
  path: string;
  summary: string;
  tag: string;
  parameters: FieldRow[];
  /** Media types of the request body; `fields` lists a JSON body's fields. */
  bodyMedia: string[];
  bodyRequired: boolean;
  fields: FieldRow[];
  answers: string[];
}

export interface TagGroup {
  tag: string;
  description?: string;
  operations: OperationEntry[];
}

const METHODS = ["get", "post", "put", "patch", "delete"];
const MAX_DEPTH = 4;

/** A short type label: `string`, `int64`, `double`, `enum: A | B`, `string[]`, `any JSON`. */
export function typeLabel(schema: JsonSchema | undefined): string {
  if (!schema || Object.keys(schema).length === 0) return "any JSON";
  if (schema.enum) {
    const names = schema.enum.filter((v): v is string => typeof v === "string");
    return `enum: ${names.join(" | ")}`;
  }
  if (schema.anyOf) {
    const array = schema.anyOf.find((s) => s.type === "array");
    if (array) return `${typeLabel(array.items)}[]`;
    const labels = schema.anyOf.filter((s) => s.type !== "null").map(typeLabel);
    return [...new Set(labels)].join(" | ");
  }
  const types = (Array.isArray(schema.type) ? schema.type : [schema.type]).filter(
    (t): t is string => t !== undefined && t !== "null",
  );
  // The first type is the field's own; a second one is an alternative spelling (numeric text).
  if (types.includes("array")) return `${typeLabel(schema.items)}[]`;
  if (schema.format === "int64") return "int64";
  if (types.includes("number")) return "double";
  if (types.includes("boolean")) return "boolean";
  if (types.includes("object")) return "object";
  if (types.includes("string")) return "string";
  return types.join(" | ") || "any JSON";
}

/** The object schema inside a field's schema (through arrays and anyOf), if any. */
function objectOf(schema: JsonSchema | undefined): { schema: JsonSchema; repeated: boolean } | null {
  if (!schema) return null;
  if (schema.properties) return { schema, repeated: false };
  for (const part of schema.anyOf ?? []) {
    if (part.type === "array" && part.items?.properties) return { schema: part.items, repeated: true };
  }
  for (const part of schema.anyOf ?? []) {
    if (part.properties) return { schema: part, repeated: false };
  }
  return null;
}

/** One row per field of an object schema, nested fields after their parent. */
export function fieldRows(schema: JsonSchema | undefined, prefix = "", depth = 0): FieldRow[] {
  const rows: FieldRow[] = [];
  if (!schema?.properties || depth > MAX_DEPTH) return rows;
  const required = new Set(schema.required ?? []);
  for (const [name, field] of Object.entries(schema.properties)) {
    const full = `${prefix}${name}`;
    const note = field.default !== undefined ? `default ${JSON.stringify(field.default)}` : undefined;
    rows.push({ name: full, where: "body", type: typeLabel(field), required: required.has(name), note });
    const nested = objectOf(field);
    if (nested) rows.push(...fieldRows(nested.schema, `${full}${nested.repeated ? "[]" : ""}.`, depth + 1));
  }
  return rows;
}

function entry(method: string, path: string, op: Operation): OperationEntry {
  const parameters = (op.parameters ?? []).map((p) => ({
    name: p.name,
    where: p.in,
    type: typeLabel(p.schema),
    required: p.required ?? false,
    note: p.description ?? p.schema?.description,
  }));
  const content = op.requestBody?.content ?? {};
  const answers = Object.keys((op.responses["200"] as { content?: object } | undefined)?.content ?? {});
  return {
    id: op.operationId,
    method: method.toUpperCase(),
    path,
    summary: op.summary ?? op.operationId,
    tag: op.tags?.[0] ?? "Other",
    parameters,
    bodyMedia: Object.keys(content),
    bodyRequired: op.requestBody?.required ?? false,
    fields: fieldRows(content["application/json"]?.schema),
    answers,
  };
}

/** Every operation, grouped by tag in the document's tag order. */
export function groupOperations(doc: OpenApiDocument): TagGroup[] {
  const groups = new Map<string, TagGroup>();
  for (const tag of doc.tags ?? []) groups.set(tag.name, { ...tag, tag: tag.name, operations: [] });
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      const e = entry(method, path, op);
      if (!groups.has(e.tag)) groups.set(e.tag, { tag: e.tag, operations: [] });
      groups.get(e.tag)!.operations.push(e);
    }
  }
  return [...groups.values()].filter((g) => g.operations.length > 0);
}

/** The groups with only the operations matching every word of `text` (path, method, summary,
 * id or a field name); the /ajax-api mirror is left out unless asked for. */
export function filterGroups(groups: TagGroup[], text: string, withMirror: boolean): TagGroup[] {
  const words = text.toLowerCase().split(/\s+/).filter(Boolean);
  const matches = (e: OperationEntry) => {
    if (!withMirror && e.path.startsWith("/ajax-api/")) return false;
    const haystack = [e.method, e.path, e.summary, e.id, ...e.parameters.map((p) => p.name), ...e.fields.map((f) => f.name)]
      .join(" ")
      .toLowerCase();
    return words.every((w) => haystack.includes(w));
  };
  return groups
    .map((g) => ({ ...g, operations: g.operations.filter(matches) }))
    .filter((g) => g.operations.length > 0);
}
