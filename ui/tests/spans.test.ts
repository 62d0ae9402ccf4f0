import { describe, expect, it } from "vitest";
import { modelFilter, NOT_A_PROMPT } from "../src/api/registry";
import { traceFilter, type Span } from "../src/api/traces";
import { durationMs, flattenTree, formatMs, plainValue, prettyValue, spanAttributes, spanTree } from "../src/lib/spans";

const BASE = 1_700_000_000_000_000_000n;
const at = (ms: number): string => String(BASE + BigInt(ms) * 1_000_000n);

function span(id: string, parent: string | undefined, start: number, end?: number): Span {
  return {
    span_id: id,
    parent_span_id: parent,
    name: id,
    start_time_unix_nano: at(start),
    end_time_unix_nano: end === undefined ? undefined : at(end),
  };
}

describe("spanTree", () => {
  it("nests spans by parent and orders children by start", () => {
    const { roots, totalMs } = spanTree([
      span("b", "root", 30, 40),
      span("root", undefined, 0, 100),
      span("a", "root", 10, 20),
      span("a1", "a", 12, 15),
    ]);
    expect(totalMs).toBe(100);
    expect(roots.map((r) => r.span.name)).toEqual(["root"]);
    const rows = flattenTree(roots);
    expect(rows.map((r) => [r.span.name, r.depth])).toEqual([
      ["root", 0],
      ["a", 1],
      ["a1", 2],
      ["b", 1],
    ]);
    expect(rows[1]).toMatchObject({ startMs: 10, endMs: 20 });
  });

  it("makes orphans roots, ends unfinished spans at the latest end, and collapses", () => {
    const { roots } = spanTree([span("root", undefined, 0, 50), span("open", "root", 5), span("orphan", "gone", 1, 2)]);
    expect(roots.map((r) => r.span.name)).toEqual(["root", "orphan"]);
    expect(roots[0]!.children[0]!.endMs).toBe(50);
    expect(flattenTree(roots, new Set(["root"])).map((r) => r.span.name)).toEqual(["root", "orphan"]);
    expect(spanTree([])).toEqual({ roots: [], totalMs: 0 });
  });
});

describe("span values", () => {
  it("turns OpenTelemetry values into plain ones", () => {
    expect(plainValue({ int_value: "10" })).toBe(10);
    expect(plainValue({ bool_value: false })).toBe(false);
    expect(plainValue({ array_value: { values: [{ string_value: "a" }, { double_value: 0.5 }] } })).toEqual(["a", 0.5]);
    expect(plainValue({ kvlist_value: { values: [{ key: "q", value: { string_value: "hi" } }] } })).toEqual({ q: "hi" });
    expect(plainValue(undefined)).toBeNull();
    const s = { ...span("x", undefined, 0, 1), attributes: [{ key: "mlflow.spanType", value: { string_value: "LLM" } }] };
    expect(spanAttributes(s)).toEqual({ "mlflow.spanType": "LLM" });
  });

  it("pretty-prints JSON text and leaves other text alone", () => {
    expect(prettyValue('{"a":1}')).toBe('{\n  "a": 1\n}');
    expect(prettyValue("plain words")).toBe("plain words");
    expect(prettyValue("42")).toBe("42");
    expect(prettyValue({ b: [1] })).toBe('{\n  "b": [\n    1\n  ]\n}');
  });

  it("reads and shows durations", () => {
    expect(durationMs("0.098s")).toBeCloseTo(98);
    expect(durationMs("2s")).toBe(2000);
    expect(durationMs(undefined)).toBeUndefined();
    expect(formatMs(0.28)).toBe("0.28 ms");
    expect(formatMs(87.4)).toBe("87 ms");
    expect(formatMs(1500)).toBe("1.50 s");
  });
});

describe("search filters", () => {
  it("combines the trace filter with the status choice", () => {
    expect(traceFilter("", "")).toBe("");
    expect(traceFilter(" tags.topic = 'math' ", "")).toBe("tags.topic = 'math'");
    expect(traceFilter("", "ERROR")).toBe("attributes.status = 'ERROR'");
    expect(traceFilter("name = 'a' OR name = 'b'", "OK")).toBe("(name = 'a' OR name = 'b') AND (attributes.status = 'OK')");
  });

  it("hides prompts and treats a bare word as a name search", () => {
    expect(modelFilter("")).toBe(NOT_A_PROMPT);
    expect(modelFilter("classif")).toBe(`name ILIKE '%classif%' AND ${NOT_A_PROMPT}`);
    expect(modelFilter("tags.team = 'vision'")).toBe(`tags.team = 'vision' AND ${NOT_A_PROMPT}`);
  });
});
