import { describe, expect, it } from "vitest";
import type { Run } from "../src/api/types";
import { compareRows, parallelData, scatterPoints } from "../src/lib/compare";
import { csvField, runsToCsv } from "../src/lib/csv";
import { nestRuns } from "../src/lib/nesting";
import { toSeries } from "../src/lib/series";
import { smooth } from "../src/lib/smoothing";

function run(id: string, extra: Partial<Run["data"]> = {}, parent?: string): Run {
  const tags = [...(extra.tags ?? [])];
  if (parent) tags.push({ key: "mlflow.parentRunId", value: parent });
  return {
    info: { run_id: id, run_name: id, experiment_id: "1", status: "FINISHED", lifecycle_stage: "active", start_time: 0 },
    data: { metrics: extra.metrics ?? [], params: extra.params ?? [], tags },
  };
}

describe("csv", () => {
  it("quotes commas, quotes and newlines", () => {
    expect(csvField('a,"b"')).toBe('"a,""b"""');
    expect(csvField("line\nbreak")).toBe('"line\nbreak"');
    expect(csvField(undefined)).toBe("");
    expect(csvField(0.5)).toBe("0.5");
  });

  it("defuses values a spreadsheet would run as formulas, but not numbers", () => {
    expect(csvField("=HYPERLINK(\"http://x\")")).toBe('"\'=HYPERLINK(""http://x"")"');
    expect(csvField("@SUM(A1)")).toBe("'@SUM(A1)");
    expect(csvField("-0.5")).toBe("-0.5");
    expect(csvField(-2)).toBe("-2");
    expect(csvField("+1e-3")).toBe("+1e-3");
  });

  it("writes one line per run with the chosen columns", () => {
    const runs = [
      run("r1", { metrics: [{ key: "acc", value: 0.9, step: 1, timestamp: 1 }], params: [{ key: "lr", value: "0.1" }] }),
      run("r2", { params: [{ key: "lr", value: "a,b" }] }),
    ];
    const csv = runsToCsv(runs, ["attributes.run_name", "metrics.acc", "params.lr", "bogus"]);
    expect(csv).toBe('run_id,Run name,metrics.acc,params.lr\r\nr1,r1,0.9,0.1\r\nr2,r2,,"a,b"\r\n');
  });

  it("writes start times as ISO dates", () => {
    const csv = runsToCsv([run("r1")], ["attributes.start_time"]);
    expect(csv.split("\r\n")[1]).toBe("r1,1970-01-01T00:00:00.000Z");
  });
});

describe("smoothing", () => {
  it("leaves values alone at weight 0", () => {
    expect(smooth([1, 2, 3], 0)).toEqual([1, 2, 3]);
  });

  it("is debiased: a constant series stays constant", () => {
    for (const v of smooth([5, 5, 5, 5], 0.9)) expect(v).toBeCloseTo(5, 10);
  });

  it("lags behind a step and keeps gaps", () => {
    const out = smooth([0, null, 10, 10], 0.5);
    expect(out[1]).toBeNull();
    expect(out[2]!).toBeGreaterThan(0);
    expect(out[2]!).toBeLessThan(10);
    expect(out[3]!).toBeGreaterThan(out[2]!);
  });
});

describe("nested runs", () => {
  const runs = [run("a"), run("c1", {}, "p"), run("p"), run("c2", {}, "p"), run("g", {}, "c1"), run("orphan", {}, "gone")];

  it("puts children right under their parent, in order", () => {
    const rows = nestRuns(runs);
    expect(rows.map((r) => [r.run.info.run_id, r.depth])).toEqual([
      ["a", 0],
      ["p", 0],
      ["c1", 1],
      ["g", 2],
      ["c2", 1],
      ["orphan", 0],
    ]);
    expect(rows.find((r) => r.run.info.run_id === "p")!.childCount).toBe(2);
  });

  it("hides the descendants of a collapsed parent", () => {
    const rows = nestRuns(runs, new Set(["p"]));
    expect(rows.map((r) => r.run.info.run_id)).toEqual(["a", "p", "orphan"]);
  });

  it("survives a parent cycle", () => {
    const rows = nestRuns([run("x", {}, "y"), run("y", {}, "x")]);
    expect(rows.map((r) => r.run.info.run_id).sort()).toEqual(["x", "y"]);
  });
});

describe("series", () => {
  const points = [
    { key: "loss", value: 2, step: 2, timestamp: 3000 },
    { key: "loss", value: "NaN", step: 1, timestamp: 2000 },
    { key: "loss", value: 1, step: 0, timestamp: 1000 },
  ];

  it("sorts by step and maps NaN to a gap", () => {
    const s = toSeries("r", "r", points, "step");
    expect(s.x).toEqual([0, 1, 2]);
    expect(s.y).toEqual([1, null, 2]);
  });

  it("measures relative time from the run start in seconds", () => {
    expect(toSeries("r", "r", points, "relative", 0).x).toEqual([1, 2, 3]);
    expect(toSeries("r", "r", points, "wall").x).toEqual([1, 2, 3]);
  });
});

describe("compare", () => {
  const runs = [
    run("r1", { params: [{ key: "lr", value: "0.1" }, { key: "opt", value: "adam" }], metrics: [{ key: "acc", value: 0.8, step: 0, timestamp: 0 }] }),
    run("r2", { params: [{ key: "lr", value: "0.01" }, { key: "opt", value: "adam" }], metrics: [{ key: "acc", value: 0.9, step: 0, timestamp: 0 }] }),
  ];

  it("marks the rows whose values differ", () => {
    const rows = compareRows(runs);
    expect(rows.map((r) => [r.kind, r.key, r.differs])).toEqual([
      ["param", "lr", true],
      ["param", "opt", false],
      ["metric", "acc", true],
    ]);
  });

  it("plots numeric params as numbers and others as categories", () => {
    const numeric = scatterPoints(runs, "params.lr", "acc", (r) => r.info.run_id);
    expect(numeric.categories).toBeNull();
    expect(numeric.points.map((p) => [p.x, p.y])).toEqual([
      [0.1, 0.8],
      [0.01, 0.9],
    ]);
    const categorical = scatterPoints(runs, "params.opt", "acc", (r) => r.info.run_id);
    expect(categorical.categories).toEqual(["adam"]);
    expect(categorical.points.map((p) => p.x)).toEqual([0, 0]);
  });
});

describe("parallel coordinates", () => {
  const runs = [
    run("r1", { params: [{ key: "lr", value: "0.1" }, { key: "opt", value: "sgd" }], metrics: [{ key: "acc", value: 0.8, step: 0, timestamp: 0 }] }),
    run("r2", { params: [{ key: "lr", value: "0.3" }, { key: "opt", value: "adam" }], metrics: [{ key: "acc", value: 0.9, step: 0, timestamp: 0 }] }),
    run("r3", { params: [{ key: "lr", value: "0.2" }] }),
  ];

  it("scales numeric axes to their range and spreads categories", () => {
    const { axes, lines } = parallelData(runs, ["params.lr", "params.opt", "metrics.acc"]);
    expect(axes.map((a) => [a.id, a.categories, a.min, a.max])).toEqual([
      ["params.lr", null, 0.1, 0.3],
      ["params.opt", ["adam", "sgd"], 0, 1],
      ["metrics.acc", null, 0.8, 0.9],
    ]);
    expect(lines[0]!.positions).toEqual([0, 1, 0]);
    expect(lines[1]!.positions[0]).toBeCloseTo(1);
    expect(lines[2]!.positions[0]).toBeCloseTo(0.5);
    expect(lines[2]!.positions.slice(1)).toEqual([null, null]);
  });

  it("puts a constant axis in the middle", () => {
    const { lines } = parallelData([runs[0]!, runs[0]!], ["params.lr"]);
    expect(lines[0]!.positions).toEqual([0.5]);
  });
});
