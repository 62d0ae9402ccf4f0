import { describe, expect, it } from "vitest";
import type { OpenApiDocument } from "../src/api/openapi";
import { fieldRows, filterGroups, groupOperations, typeLabel } from "../src/lib/apiReference";

const ERRORS = { "4XX": { $ref: "#/components/responses/Error" } };
const JSON_OK = { "200": { description: "Success.", content: { "application/json": {} } }, ...ERRORS };

const DOC: OpenApiDocument = {
  openapi: "3.1.0",
  info: { title: "runhub REST API", version: "1.0" },
  tags: [
    { name: "Runs", description: "Runs." },
    { name: "Server", description: "Meta." },
    { name: "Empty" },
  ],
  paths: {
    "/api/2.0/mlflow/runs/log-batch": {
      post: {
        operationId: "log_batch",
        summary: "Log batch",
        tags: ["Runs"],
        requestBody: {
          required: true,
          content: {
            "application/json": {
              schema: {
                type: "object",
                required: ["run_id"],
                properties: {
                  run_id: { type: "string" },
                  metrics: {
                    anyOf: [
                      {
                        type: "array",
                        items: {
                          type: "object",
                          required: ["key"],
                          properties: { key: { type: "string" }, step: { type: ["integer", "string", "null"], format: "int64", default: 0 } },
                        },
                      },
                      { type: "object" },
                      { type: "null" },
                    ],
                  },
                },
              },
            },
          },
        },
        responses: JSON_OK,
      },
    },
    "/ajax-api/2.0/mlflow/runs/log-batch": {
      post: { operationId: "ajax_log_batch", summary: "Log batch", tags: ["Runs"], responses: JSON_OK },
    },
    "/api/2.0/mlflow/runs/get": {
      get: {
        operationId: "get_run",
        summary: "Get run",
        tags: ["Runs"],
        parameters: [{ name: "run_id", in: "query", required: true, schema: { type: "string" } }],
        responses: JSON_OK,
      },
    },
    "/health": {
      get: {
        operationId: "health",
        summary: "Health",
        tags: ["Server"],
        responses: { "200": { description: "Success.", content: { "text/plain": {} } } },
      },
    },
  },
};

describe("typeLabel", () => {
  it("names the main type of each field kind", () => {
    expect(typeLabel({ type: "string" })).toBe("string");
    expect(typeLabel({ type: ["string", "integer", "null"] })).toBe("string");
    expect(typeLabel({ type: "integer", minimum: 0 } as never)).toBe("integer");
    expect(typeLabel({ type: ["integer", "string"], format: "int64" })).toBe("int64");
    expect(typeLabel({ type: ["number", "string"] })).toBe("double");
    expect(typeLabel({ enum: ["ACTIVE_ONLY", "ALL", 1, 3, null] })).toBe("enum: ACTIVE_ONLY | ALL");
    expect(typeLabel({ anyOf: [{ type: "array", items: { type: "string" } }, { type: "string" }] })).toBe("string[]");
    expect(typeLabel({})).toBe("any JSON");
  });
});

describe("fieldRows", () => {
  it("lists nested fields after their parent, with required flags and defaults", () => {
    const schema = DOC.paths["/api/2.0/mlflow/runs/log-batch"]!["post"]!.requestBody!.content["application/json"]!.schema;
    const rows = fieldRows(schema);
    expect(rows.map((r) => [r.name, r.type, r.required])).toEqual([
      ["run_id", "string", true],
      ["metrics", "object[]", false],
      ["metrics[].key", "string", true],
      ["metrics[].step", "int64", false],
    ]);
    expect(rows[3]!.note).toBe("default 0");
  });
});

describe("groupOperations and filterGroups", () => {
  const groups = groupOperations(DOC);

  it("groups by tag in the document's order and drops empty tags", () => {
    expect(groups.map((g) => [g.tag, g.operations.length])).toEqual([
      ["Runs", 3],
      ["Server", 1],
    ]);
    const health = groups[1]!.operations[0]!;
    expect([health.method, health.path, health.answers]).toEqual(["GET", "/health", ["text/plain"]]);
  });

  it("matches every word against path, names and fields; the mirror only when asked", () => {
    const ids = (text: string, mirror = false) =>
      filterGroups(groups, text, mirror).flatMap((g) => g.operations.map((o) => o.id));
    expect(ids("")).toEqual(["log_batch", "get_run", "health"]);
    expect(ids("", true)).toEqual(["log_batch", "ajax_log_batch", "get_run", "health"]);
    expect(ids("post batch")).toEqual(["log_batch"]);
    expect(ids("step")).toEqual(["log_batch"]);
    expect(ids("RUN_ID get")).toEqual(["get_run"]);
    expect(ids("nothing-like-this")).toEqual([]);
  });
});
