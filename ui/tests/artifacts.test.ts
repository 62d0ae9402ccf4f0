import { describe, expect, it } from "vitest";
import { formatBytes, parseCsv, previewKind } from "../src/lib/artifacts";

describe("artifact previews", () => {
  it("picks a preview from the file name", () => {
    expect(previewKind("plots/roc.PNG")).toBe("image");
    expect(previewKind("metrics.json")).toBe("json");
    expect(previewKind("data/eval.tsv")).toBe("csv");
    expect(previewKind("model/MLmodel")).toBe("text");
    expect(previewKind("config.yaml")).toBe("text");
    expect(previewKind("model.pkl")).toBe("none");
    expect(previewKind(".hidden")).toBe("none");
  });

  it("reads quoted CSV fields, doubled quotes and CRLF", () => {
    expect(parseCsv('a,b\r\n"x, y","say ""hi"""\n1,\n')).toEqual([
      ["a", "b"],
      ["x, y", 'say "hi"'],
      ["1", ""],
    ]);
    expect(parseCsv("a\tb\n1\t2", "\t")).toEqual([
      ["a", "b"],
      ["1", "2"],
    ]);
  });

  it("stops at the row limit", () => {
    expect(parseCsv("1\n2\n3\n4\n", ",", 2)).toEqual([["1"], ["2"]]);
  });

  it("formats sizes", () => {
    expect(formatBytes(512)).toBe("512 B");
    expect(formatBytes(2048)).toBe("2.0 KB");
    expect(formatBytes(5 * 1024 * 1024)).toBe("5.0 MB");
  });
});
