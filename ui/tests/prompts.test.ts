import { describe, expect, it } from "vitest";
import {
  parseMessages,
  promptFilter,
  promptVersion,
  promptVersionTags,
  templateLines,
} from "../src/api/prompts";
import { lineDiff } from "../src/lib/lineDiff";
import { templateSegments, templateVariables } from "../src/lib/promptTemplate";

describe("templateVariables", () => {
  it("lists each variable once, in order, with spaces and dotted paths", () => {
    expect(templateVariables("Hi {{name}}, {{ name }}! Ask {{ user.question }} in {{n}} words.")).toEqual([
      "name",
      "user.question",
      "n",
    ]);
  });

  it("ignores braces that are not a placeholder", () => {
    expect(templateVariables("{{}} {{ 1x }} {single} {{a-b}} {{ ok_1 }}")).toEqual(["ok_1"]);
  });

  it("collects across several texts (chat messages)", () => {
    expect(templateVariables("You are {{style}}.", "{{question}} {{style}}")).toEqual(["style", "question"]);
  });
});

describe("templateSegments", () => {
  it("splits into text and placeholders that join back to the template", () => {
    const text = "Hello {{ name }}!\n{{greeting}}";
    const segments = templateSegments(text);
    expect(segments).toEqual([
      { text: "Hello " },
      { text: "{{ name }}", variable: "name" },
      { text: "!\n" },
      { text: "{{greeting}}", variable: "greeting" },
    ]);
    expect(segments.map((s) => s.text).join("")).toBe(text);
  });

  it("keeps a template without placeholders whole", () => {
    expect(templateSegments("plain")).toEqual([{ text: "plain" }]);
    expect(templateSegments("")).toEqual([]);
  });
});

describe("lineDiff", () => {
  const show = (before: string, after: string) =>
    lineDiff(before, after).map((d) => `${{ same: " ", added: "+", removed: "-" }[d.kind]}${d.text}`);

  it("marks identical texts as unchanged", () => {
    expect(show("a\nb", "a\nb")).toEqual([" a", " b"]);
  });

  it("shows a changed line as removed then added, keeping common lines", () => {
    expect(show("a\nb\nc", "a\nB\nc")).toEqual([" a", "-b", "+B", " c"]);
  });

  it("finds the longest common subsequence in the middle", () => {
    expect(show("x\na\nb\nc\ny", "x\nb\nc\nd\ny")).toEqual([" x", "-a", " b", " c", "+d", " y"]);
  });

  it("numbers lines in the old and the new text", () => {
    const diff = lineDiff("a\nb\nc", "a\nc\nd");
    expect(diff).toEqual([
      { kind: "same", text: "a", oldNo: 1, newNo: 1 },
      { kind: "removed", text: "b", oldNo: 2 },
      { kind: "same", text: "c", oldNo: 3, newNo: 2 },
      { kind: "added", text: "d", newNo: 3 },
    ]);
  });

  it("handles an empty side", () => {
    expect(show("", "a")).toEqual(["-", "+a"]);
    expect(show("a\nb", "a")).toEqual([" a", "-b"]);
  });
});

describe("prompt tags", () => {
  it("writes a text template as the client does", () => {
    expect(promptVersionTags("Hi {{name}}")).toEqual([
      { key: "mlflow.prompt.is_prompt", value: "true" },
      { key: "_mlflow_prompt_type", value: "text" },
      { key: "mlflow.prompt.text", value: "Hi {{name}}" },
    ]);
  });

  it("writes chat messages as JSON with the chat type", () => {
    const tags = promptVersionTags([{ role: "user", content: "{{q}}" }]);
    expect(tags[1]).toEqual({ key: "_mlflow_prompt_type", value: "chat" });
    expect(JSON.parse(tags[2]?.value ?? "")).toEqual([{ role: "user", content: "{{q}}" }]);
  });

  it("reads a model version back as a prompt version", () => {
    const version = promptVersion({
      name: "p",
      version: "3",
      description: "tighter wording",
      aliases: ["production"],
      creation_timestamp: 5,
      tags: [
        { key: "mlflow.prompt.is_prompt", value: "true" },
        { key: "_mlflow_prompt_type", value: "chat" },
        { key: "mlflow.prompt.text", value: '[{"role": "system", "content": "Be {{style}}."}]' },
        { key: "_mlflow_prompt_response_format", value: '{"type": "object"}' },
        { key: "lang", value: "en" },
      ],
    });
    expect(version).toMatchObject({
      version: "3",
      type: "chat",
      commitMessage: "tighter wording",
      aliases: ["production"],
      created: 5,
      messages: [{ role: "system", content: "Be {{style}}." }],
      responseFormat: '{"type": "object"}',
      tags: [{ key: "lang", value: "en" }],
    });
    expect(templateLines(version)).toBe("[system]\nBe {{style}}.");
  });

  it("reads a version without prompt tags as an empty text prompt", () => {
    const version = promptVersion({ name: "p", version: "1" });
    expect(version).toMatchObject({ type: "text", text: "", commitMessage: "", aliases: [], tags: [] });
    expect(templateLines(version)).toBe("");
  });

  it("accepts only a list of role/content messages as chat", () => {
    expect(parseMessages('[{"role": "user", "content": [{"type": "text"}]}]')).toEqual([
      { role: "user", content: '[{"type":"text"}]' },
    ]);
    expect(parseMessages("not json")).toBeUndefined();
    expect(parseMessages('{"role": "user"}')).toBeUndefined();
    expect(parseMessages('[{"content": "x"}]')).toBeUndefined();
  });
});

describe("promptFilter", () => {
  it("limits every search to prompts, a bare word matching names", () => {
    expect(promptFilter("")).toBe("tags.`mlflow.prompt.is_prompt` = 'true'");
    expect(promptFilter(" greet ")).toBe("name ILIKE '%greet%' AND tags.`mlflow.prompt.is_prompt` = 'true'");
    expect(promptFilter("tags.team = 'x'")).toBe("tags.team = 'x' AND tags.`mlflow.prompt.is_prompt` = 'true'");
  });
});
