import { describe, expect, it } from "vitest";
import type { Run } from "../src/api/types";
import { applySuggestion, fieldText, runVocabulary, suggest, type Vocabulary } from "../src/lib/filterSuggest";

function run(id: string, params: Record<string, string>, tags: Record<string, string>, metrics: Record<string, number>): Run {
  return {
    info: { run_id: id, run_name: `run-${id}`, experiment_id: "1", user_id: "ann", status: "FINISHED" },
    data: {
      params: Object.entries(params).map(([key, value]) => ({ key, value })),
      tags: Object.entries(tags).map(([key, value]) => ({ key, value })),
      metrics: Object.entries(metrics).map(([key, value]) => ({ key, value, timestamp: 0, step: 0 })),
    },
  } as unknown as Run;
}

const RUNS = [
  run("a", { lr: "0.1", optimizer: "adam" }, { team: "vision", "mlflow.user": "ann" }, { acc: 0.9, "val loss": 0.2 }),
  run("b", { lr: "0.01", optimizer: "sgd" }, { team: "it's" }, { acc: 0.8, accuracy_top5: 0.95 }),
];
const VOCAB: Vocabulary = runVocabulary(RUNS, { metrics: ["f1"], params: [], tags: [] });

/** The labels offered with the caret at "|" (or at the end). */
function labels(textWithCaret: string): string[] | null {
  const caret = textWithCaret.includes("|") ? textWithCaret.indexOf("|") : textWithCaret.length;
  const text = textWithCaret.replace("|", "");
  return suggest(text, caret, VOCAB)?.items.map((item) => item.label) ?? null;
}

/** The text after picking `label` with the caret at the end, "|" marking the new caret. */
function pick(text: string, label: string): string {
  const completion = suggest(text, text.length, VOCAB);
  const item = completion?.items.find((i) => i.label === label);
  if (!completion || !item) throw new Error(`no ${label} for ${text}`);
  const next = applySuggestion(text, completion, item);
  return `${next.text.slice(0, next.caret)}|${next.text.slice(next.caret)}`;
}

describe("vocabulary of the loaded runs", () => {
  it("collects keys (known ones too) and values", () => {
    expect(VOCAB.keys.metrics).toEqual(["acc", "accuracy_top5", "f1", "val loss"]);
    expect(VOCAB.keys.params).toEqual(["lr", "optimizer"]);
    expect(VOCAB.keys.tags).toEqual(["team", "mlflow.user"]); // system tags last
    expect(VOCAB.values["params.optimizer"]).toEqual(["adam", "sgd"]);
    expect(VOCAB.values["attributes.status"]).toContain("FAILED");
    expect(VOCAB.values["attributes.run_name"]).toEqual(["run-a", "run-b"]);
  });
});

describe("suggestions at the caret", () => {
  const table: [string, string[] | null][] = [
    // Field position: the prefixes (and NOT), narrowed by what is typed.
    ["", ["metrics.", "params.", "tags.", "attributes.", "datasets.", "NOT"]],
    ["me", ["metrics."]],
    ["metrics.acc > 0.9 AND ", ["metrics.", "params.", "tags.", "attributes.", "datasets.", "NOT"]],
    ["(", ["metrics.", "params.", "tags.", "attributes.", "datasets.", "NOT"]],
    // Keys of a kind: starting with the typed text first, then containing it.
    ["metrics.", ["metrics.acc", "metrics.accuracy_top5", "metrics.f1", "metrics.`val loss`"]],
    ["metrics.ac", ["metrics.acc", "metrics.accuracy_top5"]],
    ["metrics.top", ["metrics.accuracy_top5"]],
    ["metric.v", ["metric.`val loss`"]],
    ["params.", ["params.lr", "params.optimizer"]],
    ["tags.", ["tags.team", "tags.mlflow.user"]],
    ["tags.`mlf", ["tags.mlflow.user"]],
    ["attributes.st", ["attributes.status", "attributes.start_time"]],
    ["datasets.", ["datasets.name", "datasets.digest", "datasets.context"]],
    ["metrics.nothing", null],
    ["bogus.", null],
    // Operators for the field's type.
    ["metrics.acc ", [">", ">=", "<", "<=", "=", "!=", "IS NULL", "IS NOT NULL"]],
    ["params.lr ", ["=", "!=", "LIKE", "ILIKE", "IN", "NOT IN", "IS NULL", "IS NOT NULL"]],
    ["attributes.start_time ", [">", ">=", "<", "<=", "=", "!="]],
    ["attributes.status ", ["=", "!=", "LIKE", "ILIKE", "IN", "NOT IN"]],
    // Values known for params, tags and attributes; none for metrics.
    ["params.optimizer = ", ["adam", "sgd"]],
    ["params.optimizer = '", ["adam", "sgd"]],
    ["params.optimizer = 's", ["sgd"]],
    ["params.optimizer != \"a", ["adam"]],
    ["params.optimizer LIKE '", ["adam", "sgd"]],
    ["params.lr IN ('0.1', '", ["0.01", "0.1"]],
    ["params.lr NOT IN (", ["0.01", "0.1"]],
    ["tags.team = '", ["it's", "vision"]],
    ["attributes.status = 'F", ["FINISHED", "FAILED"]],
    ["status = 'K", ["KILLED"]],
    ["metrics.acc > ", null],
    ["metrics.acc > 0.9", null],
    ["params.optimizer = 'zzz", null],
    // After a complete comparison: AND, OR.
    ["metrics.acc > 0.9 ", ["AND", "OR"]],
    ["params.lr = '0.1' o", ["OR"]],
    ["params.lr IN ('0.1') ", ["AND", "OR"]],
    ["metrics.acc IS NULL ", ["AND", "OR"]],
    ["params.lr = '0.1'", null],
    // The caret in the middle of the text counts, not the end.
    ["metrics.a| > 0.9", ["metrics.acc", "metrics.accuracy_top5", "metrics.`val loss`"]],
  ];
  it.each(table)("%j offers %j", (text, expected) => {
    expect(labels(text)).toEqual(expected);
  });
});

describe("picking a suggestion", () => {
  const table: [string, string, string][] = [
    ["me", "metrics.", "metrics.|"],
    ["metrics.ac", "metrics.acc", "metrics.acc |"],
    ["metrics.v", "metrics.`val loss`", "metrics.`val loss` |"],
    ["metrics.acc ", ">=", "metrics.acc >= |"],
    ["params.lr ", "IN", "params.lr IN (|"],
    ["params.optimizer = ", "sgd", "params.optimizer = 'sgd' |"],
    ["params.optimizer = 's", "sgd", "params.optimizer = 'sgd' |"],
    ["tags.team = '", "it's", "tags.team = 'it''s' |"],
    ["tags.team = \"", "it's", "tags.team = \"it's\" |"],
    ["metrics.acc > 0.9 a", "AND", "metrics.acc > 0.9 AND |"],
  ];
  it.each(table)("%j + %j gives %j", (text, label, expected) => {
    expect(pick(text, label)).toBe(expected);
  });

  it("replaces the closing quote that already follows, and keeps the rest", () => {
    const text = "params.optimizer = 'a' AND metrics.acc > 0.5";
    const caret = text.indexOf("a'") + 1;
    const completion = suggest(text, caret, VOCAB);
    expect(completion?.items.map((i) => i.label)).toEqual(["adam"]);
    const next = applySuggestion(text, completion!, completion!.items[0]!);
    expect(next.text).toBe("params.optimizer = 'adam' AND metrics.acc > 0.5");
    expect(next.text.slice(0, next.caret)).toBe("params.optimizer = 'adam'");
  });

  it("quotes keys the server cannot read bare", () => {
    expect(fieldText("tags", "team")).toBe("tags.team");
    expect(fieldText("metrics", "train/loss-1")).toBe("metrics.train/loss-1");
    expect(fieldText("params", "a b")).toBe("params.`a b`");
    expect(fieldText("params", "a`b")).toBe("params.`a``b`");
  });
});
