// Autocomplete for the runs filter box: from the text, the caret and the keys and values an
// experiment's runs hold, what may come next at the caret. Pure, so it is tested as a table.
import type { Run } from "../api/types";

export type KeyKind = "metrics" | "params" | "tags" | "attributes" | "datasets";

/** What the suggestions are drawn from: keys per kind, and known values per `kind.key`. */
export interface Vocabulary {
  keys: Record<KeyKind, string[]>;
  values: Record<string, string[]>;
}

export interface Suggestion {
  /** What the list shows. */
  label: string;
  /** What replaces the text between the completion's `from` and `to`. */
  insert: string;
  /** A short note: "metric", "operator", "value"... */
  detail: string;
}

export interface Completion {
  from: number;
  to: number;
  items: Suggestion[];
}

const MAX_ITEMS = 50;

// The prefixes the server's run grammar accepts, each with its canonical kind.
const PREFIXES: Record<string, KeyKind> = {
  metrics: "metrics",
  metric: "metrics",
  params: "params",
  param: "params",
  parameter: "params",
  parameters: "params",
  tags: "tags",
  tag: "tags",
  attributes: "attributes",
  attribute: "attributes",
  attr: "attributes",
  run: "attributes",
  datasets: "datasets",
  dataset: "datasets",
};
const KINDS: KeyKind[] = ["metrics", "params", "tags", "attributes", "datasets"];
const KIND_LABEL: Record<KeyKind, string> = {
  metrics: "metric",
  params: "param",
  tags: "tag",
  attributes: "attribute",
  datasets: "dataset",
};

export const RUN_ATTRIBUTES = ["run_id", "run_name", "status", "user_id", "artifact_uri", "start_time", "end_time", "created"];
const NUMERIC_ATTRIBUTES = new Set(["start_time", "end_time", "created"]);
export const DATASET_FIELDS = ["name", "digest", "context"];
const STATUSES = ["RUNNING", "SCHEDULED", "FINISHED", "FAILED", "KILLED"];

const NUMBER_OPS = [">", ">=", "<", "<=", "=", "!="];
const STRING_OPS = ["=", "!=", "LIKE", "ILIKE", "IN", "NOT IN"];
const NULL_OPS = ["IS NULL", "IS NOT NULL"];
const KEYWORDS = new Set(["AND", "OR", "NOT", "IN", "LIKE", "ILIKE", "IS", "NULL"]);

// Characters a key may hold unquoted after its prefix (the server's lexer); others need backticks.
const KEY_CHARS = /^[A-Za-z0-9_.\-/:]+$/;
const WORD_START = /[A-Za-z_]/;
const WORD_CHAR = /[A-Za-z0-9_]/;

/** The keys and values the loaded runs hold, merged with keys seen before (`known`). */
export function runVocabulary(runs: readonly Run[], known: Record<"metrics" | "params" | "tags", string[]>): Vocabulary {
  const keys = { metrics: new Set(known.metrics), params: new Set(known.params), tags: new Set(known.tags) };
  const systemTags = new Set<string>();
  const values = new Map<string, Set<string>>();
  const add = (id: string, value: string | undefined) => {
    if (value === undefined || value === "") return;
    let set = values.get(id);
    if (!set) values.set(id, (set = new Set()));
    set.add(value);
  };
  for (const run of runs) {
    for (const m of run.data.metrics ?? []) keys.metrics.add(m.key);
    for (const p of run.data.params ?? []) {
      keys.params.add(p.key);
      add(`params.${p.key}`, p.value);
    }
    for (const t of run.data.tags ?? []) {
      (t.key.startsWith("mlflow.") ? systemTags : keys.tags).add(t.key);
      add(`tags.${t.key}`, t.value);
    }
    add("attributes.run_name", run.info.run_name);
    add("attributes.user_id", run.info.user_id);
    add("attributes.run_id", run.info.run_id);
    for (const input of run.inputs?.dataset_inputs ?? []) {
      add("datasets.name", input.dataset.name);
      add("datasets.digest", input.dataset.digest);
      add("datasets.context", input.tags?.find((tag) => tag.key === "mlflow.data.context")?.value);
    }
  }
  const sorted = (set: Set<string>) => [...set].sort((a, b) => a.localeCompare(b));
  const valueLists: Record<string, string[]> = { "attributes.status": STATUSES };
  for (const [id, set] of values) valueLists[id] = sorted(set);
  return {
    keys: {
      metrics: sorted(keys.metrics),
      params: sorted(keys.params),
      // The experiment's own tags first, the mlflow.* ones after.
      tags: [...sorted(keys.tags), ...sorted(systemTags).filter((key) => !keys.tags.has(key))],
      attributes: RUN_ATTRIBUTES,
      datasets: DATASET_FIELDS,
    },
    values: valueLists,
  };
}

// ---- a tolerant lexer over the text before the caret ----

type Token =
  | { kind: "ident"; start: number; end: number; prefix: string | null; key: string; open: boolean }
  | { kind: "string"; start: number; end: number; quote: string; body: string; open: boolean }
  | { kind: "number" | "op" | "keyword" | "lparen" | "rparen" | "comma"; start: number; end: number; text: string };

function readQuoted(text: string, start: number): { body: string; end: number; open: boolean } {
  const quote = text[start];
  let body = "";
  let i = start + 1;
  while (i < text.length) {
    const ch = text[i];
    if ((ch === "\\" || ch === quote) && text[i + 1] === quote) {
      body += quote;
      i += 2;
    } else if (ch === quote) {
      return { body, end: i + 1, open: false };
    } else {
      body += ch;
      i += 1;
    }
  }
  return { body, end: i, open: true };
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i] ?? "";
    if (/\s/.test(ch)) {
      i += 1;
    } else if (ch === "'" || ch === '"' || ch === "`") {
      const { body, end, open } = readQuoted(text, i);
      // A double-quoted or backticked text is a key where a key is expected (the parser's rule).
      if (ch !== "'" && expectsKey(tokens)) tokens.push({ kind: "ident", start: i, end, prefix: null, key: body, open });
      else tokens.push({ kind: "string", start: i, end, quote: ch, body, open });
      i = end;
    } else if ("(),".includes(ch)) {
      tokens.push({ kind: ch === "(" ? "lparen" : ch === ")" ? "rparen" : "comma", start: i, end: i + 1, text: ch });
      i += 1;
    } else if ("=!<>".includes(ch)) {
      const two = text.slice(i, i + 2);
      const op = ["!=", "<>", "<=", ">="].includes(two) ? two : ch;
      tokens.push({ kind: "op", start: i, end: i + op.length, text: op });
      i += op.length;
    } else if (/[0-9.+-]/.test(ch)) {
      let end = i + 1;
      while (end < text.length && /[0-9.eE+-]/.test(text[end] ?? "")) end += 1;
      tokens.push({ kind: "number", start: i, end, text: text.slice(i, end) });
      i = end;
    } else if (WORD_START.test(ch)) {
      let end = i;
      while (end < text.length && WORD_CHAR.test(text[end] ?? "")) end += 1;
      const word = text.slice(i, end);
      if (text[end] === ".") {
        // prefix.key, the key bare or quoted
        let keyEnd = end + 1;
        const q = text[keyEnd];
        if (q === "`" || q === '"') {
          const { body, end: after, open } = readQuoted(text, keyEnd);
          tokens.push({ kind: "ident", start: i, end: after, prefix: word, key: body, open });
          i = after;
          continue;
        }
        while (keyEnd < text.length && KEY_CHARS.test(text[keyEnd] ?? "")) keyEnd += 1;
        tokens.push({ kind: "ident", start: i, end: keyEnd, prefix: word, key: text.slice(end + 1, keyEnd), open: false });
        i = keyEnd;
      } else if (KEYWORDS.has(word.toUpperCase())) {
        tokens.push({ kind: "keyword", start: i, end, text: word.toUpperCase() });
        i = end;
      } else {
        tokens.push({ kind: "ident", start: i, end, prefix: null, key: word, open: false });
        i = end;
      }
    } else {
      i += 1; // a stray character: the server will say what is wrong
    }
  }
  return tokens;
}

/** Whether the next token stands where a field is expected (start, after AND/OR/NOT or "("). */
function expectsKey(tokens: Token[]): boolean {
  const last = tokens[tokens.length - 1];
  if (!last) return true;
  if (last.kind === "lparen") return !isInList(tokens, tokens.length - 1);
  return last.kind === "keyword" && ["AND", "OR", "NOT"].includes(last.text);
}

/** Whether the "(" at `index` opens an IN list. */
function isInList(tokens: Token[], index: number): boolean {
  const before = tokens[index - 1];
  return before?.kind === "keyword" && before.text === "IN";
}

// ---- what may come next ----

function kindOf(prefix: string | null): KeyKind | null {
  return prefix === null ? null : (PREFIXES[prefix.toLowerCase()] ?? null);
}

/** A field as written in a filter: `metrics.acc`, or `tags.\`my tag\`` when the key needs quoting. */
export function fieldText(prefix: string, key: string): string {
  return KEY_CHARS.test(key) ? `${prefix}.${key}` : `${prefix}.\`${key.replaceAll("`", "``")}\``;
}

export function quoteValue(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/** Items whose text matches `partial`: those starting with it first, then those containing it. */
function rank<T>(items: T[], partial: string, text: (item: T) => string): T[] {
  const needle = partial.toLowerCase();
  if (!needle) return items.slice(0, MAX_ITEMS);
  const starts: T[] = [];
  const contains: T[] = [];
  for (const item of items) {
    const hay = text(item).toLowerCase();
    if (hay.startsWith(needle)) starts.push(item);
    else if (hay.includes(needle)) contains.push(item);
  }
  return [...starts, ...contains].slice(0, MAX_ITEMS);
}

function isNumeric(kind: KeyKind, key: string): boolean {
  return kind === "metrics" || (kind === "attributes" && NUMERIC_ATTRIBUTES.has(key));
}

function operatorsFor(kind: KeyKind, key: string): string[] {
  if (kind === "metrics") return [...NUMBER_OPS, ...NULL_OPS];
  if (kind === "attributes" || kind === "datasets") return isNumeric(kind, key) ? NUMBER_OPS : STRING_OPS;
  return [...STRING_OPS, ...NULL_OPS];
}

/** The field a value at the end of `tokens` compares against, if the tokens end in `field op` or `field IN (... ,`. */
function fieldBefore(tokens: Token[]): { kind: KeyKind; key: string } | null {
  let i = tokens.length - 1;
  const at = tokens[i];
  if (!at) return null;
  if (at.kind === "lparen" || at.kind === "comma") {
    // back over the IN list to its "("
    while (i >= 0 && tokens[i]?.kind !== "lparen") i -= 1;
    if (!isInList(tokens, i)) return null;
    i -= 1; // IN
    if (tokens[i - 1]?.kind === "keyword" && (tokens[i - 1] as { text: string }).text === "NOT") i -= 1;
  } else if (!((at.kind === "op" || at.kind === "keyword") && ["=", "!=", "<>", "LIKE", "ILIKE"].includes(at.text))) {
    return null;
  }
  const field = tokens[i - 1];
  if (field?.kind !== "ident") return null;
  const kind = kindOf(field.prefix) ?? (field.prefix === null && RUN_ATTRIBUTES.includes(field.key) ? "attributes" : null);
  return kind ? { kind, key: field.key } : null;
}

function valueItems(vocab: Vocabulary, field: { kind: KeyKind; key: string }, partial: string, quoted: string | null): Suggestion[] {
  if (isNumeric(field.kind, field.key)) return [];
  const values = vocab.values[`${field.kind}.${field.key}`] ?? [];
  return rank(values, partial, (v) => v).map((value) => ({
    label: value,
    // Inside an open quote: the value and the closing quote, unless one already follows.
    insert: quoted ? `${value.replaceAll(quoted, quoted + quoted)}${quoted} ` : `${quoteValue(value)} `,
    detail: "value",
  }));
}

/** Ends a comparison: a value, NULL, or the ")" of an IN list or a group. */
function endsComparison(token: Token | undefined): boolean {
  if (!token) return false;
  if (token.kind === "string") return !token.open;
  if (token.kind === "number" || token.kind === "rparen") return true;
  return token.kind === "keyword" && token.text === "NULL";
}

function keyItems(vocab: Vocabulary, prefix: string, kind: KeyKind, partial: string): Suggestion[] {
  return rank(vocab.keys[kind], partial, (k) => k).map((key) => ({
    label: fieldText(prefix, key),
    insert: `${fieldText(prefix, key)} `,
    detail: KIND_LABEL[kind],
  }));
}

function prefixItems(partial: string): Suggestion[] {
  return rank(KINDS, partial, (k) => k).map((kind) => ({ label: `${kind}.`, insert: `${kind}.`, detail: "prefix" }));
}

function keywordItems(words: string[], partial: string): Suggestion[] {
  return rank(words, partial, (w) => w).map((word) => ({ label: word, insert: `${word} `, detail: "keyword" }));
}

/**
 * What may be typed at `caret` in `text`, and the range a choice replaces; null when nothing fits
 * (inside a number, right after an operator, a complete value...).
 */
export function suggest(text: string, caret: number, vocab: Vocabulary): Completion | null {
  const before = text.slice(0, caret);
  const after = text.slice(caret);
  const tokens = tokenize(before);
  const last = tokens[tokens.length - 1];
  const touching = last !== undefined && last.end === caret;
  const make = (from: number, items: Suggestion[]) => (items.length ? { from, to: caret, items } : null);

  if (touching && last.kind === "string" && last.open) {
    // Inside an open 'value': the values known for the field it compares against.
    const field = fieldBefore(tokens.slice(0, -1));
    const items = field ? valueItems(vocab, field, last.body, last.quote) : [];
    // A choice closes the quote; one that already follows the caret is replaced, not doubled.
    const to = after.startsWith(last.quote) ? caret + 1 : caret;
    return items.length ? { from: last.start + 1, to, items } : null;
  }
  if (touching && last.kind === "ident") {
    const rest = tokens.slice(0, -1);
    const kind = kindOf(last.prefix);
    if (kind && last.prefix) return make(last.start, keyItems(vocab, last.prefix, kind, last.key));
    if (last.prefix !== null) return null; // an unknown prefix: the server will name the good ones
    if (endsComparison(rest[rest.length - 1])) return make(last.start, keywordItems(["AND", "OR"], last.key));
    if (expectsKey(rest)) {
      return make(last.start, [...prefixItems(last.key), ...keywordItems(["NOT"], last.key)]);
    }
    return null;
  }
  // Right after a number, an operator, a keyword or a closed value: wait for a space.
  if (touching && last.kind !== "lparen" && last.kind !== "comma") return null;

  // After a space: what the previous token calls for.
  if (expectsKey(tokens)) return make(caret, [...prefixItems(""), ...keywordItems(["NOT"], "")]);
  if (last?.kind === "ident") {
    const kind = kindOf(last.prefix) ?? (last.prefix === null && RUN_ATTRIBUTES.includes(last.key) ? "attributes" : null);
    if (!kind) return null;
    return make(
      caret,
      operatorsFor(kind, last.key).map((op) => ({
        label: op,
        insert: op === "IN" || op === "NOT IN" ? `${op} (` : `${op} `,
        detail: "operator",
      })),
    );
  }
  const field = fieldBefore(tokens);
  if (field) return make(caret, valueItems(vocab, field, "", null));
  if (endsComparison(last)) return make(caret, keywordItems(["AND", "OR"], ""));
  return null;
}

/** The text after choosing `item`, and where the caret goes. */
export function applySuggestion(text: string, completion: Completion, item: Suggestion): { text: string; caret: number } {
  let insert = item.insert;
  const rest = text.slice(completion.to);
  // No doubled space when one already follows.
  if (insert.endsWith(" ") && /^\s/.test(rest)) insert = insert.slice(0, -1);
  return { text: text.slice(0, completion.from) + insert + rest, caret: completion.from + insert.length };
}
