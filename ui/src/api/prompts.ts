// Prompts: registered models tagged as prompts, whose versions hold the template in tags
// (mlflow-api.md, "Prompts"). The UI reads and writes them the way the mlflow client does.
import { get, post } from "./client";
import type { ModelVersion, RegisteredModel } from "./registry";
import type { KeyValue } from "./types";

export const IS_PROMPT_TAG = "mlflow.prompt.is_prompt";
export const TEXT_TAG = "mlflow.prompt.text";
export const TYPE_TAG = "_mlflow_prompt_type";
export const RESPONSE_FORMAT_TAG = "_mlflow_prompt_response_format";
export const MODEL_CONFIG_TAG = "_mlflow_prompt_model_config";
/** Clients send this placeholder as a prompt version's (unused, required) source. */
export const PROMPT_SOURCE = "dummy-source";

const IS_PROMPT = `tags.\`${IS_PROMPT_TAG}\` = 'true'`;
// Tags the prompt machinery owns: not shown among a version's own tags.
const INTERNAL_TAGS = new Set([IS_PROMPT_TAG, TEXT_TAG, TYPE_TAG, RESPONSE_FORMAT_TAG, MODEL_CONFIG_TAG]);

export type PromptType = "text" | "chat";

export interface ChatMessage {
  role: string;
  content: string;
}

/** A prompt version as the UI shows it, read from its model version's tags. */
export interface PromptVersion {
  version: string;
  type: PromptType;
  /** The raw template: the text, or the chat messages as the client stored them (JSON). */
  text: string;
  /** The chat messages; undefined for a text prompt or unreadable JSON. */
  messages?: ChatMessage[];
  commitMessage: string;
  aliases: string[];
  created?: number;
  responseFormat?: string;
  modelConfig?: string;
  tags: KeyValue[];
}

const quote = (text: string) => `'${text.replace(/'/g, "''")}'`;

/** The registry filter for a prompts search box: a bare word matches names, anything else is a filter. */
export function promptFilter(text: string): string {
  const query = text.trim();
  if (!query) return IS_PROMPT;
  const plain = /^[\w.\- ]+$/.test(query) && !/\s(and|like|ilike|in)\s/i.test(` ${query} `);
  const clause = plain ? `name ILIKE ${quote(`%${query}%`)}` : query;
  return `${clause} AND ${IS_PROMPT}`;
}

/** The chat messages a chat prompt's text holds, or undefined when it is not such a list. */
export function parseMessages(text: string): ChatMessage[] | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!Array.isArray(value)) return undefined;
  const messages: ChatMessage[] = [];
  for (const item of value) {
    if (!item || typeof item !== "object") return undefined;
    const { role, content } = item as Record<string, unknown>;
    if (typeof role !== "string" || content === undefined) return undefined;
    messages.push({ role, content: typeof content === "string" ? content : JSON.stringify(content) });
  }
  return messages;
}

/** A model version of a prompt, read as a prompt version. */
export function promptVersion(mv: ModelVersion): PromptVersion {
  const tags = new Map((mv.tags ?? []).map((t) => [t.key, t.value]));
  const text = tags.get(TEXT_TAG) ?? "";
  const type: PromptType = tags.get(TYPE_TAG) === "chat" ? "chat" : "text";
  return {
    version: mv.version,
    type,
    text,
    messages: type === "chat" ? parseMessages(text) : undefined,
    commitMessage: mv.description ?? "",
    aliases: mv.aliases ?? [],
    created: mv.creation_timestamp,
    responseFormat: tags.get(RESPONSE_FORMAT_TAG),
    modelConfig: tags.get(MODEL_CONFIG_TAG),
    tags: (mv.tags ?? []).filter((t) => !INTERNAL_TAGS.has(t.key)),
  };
}

/** The template as lines to read or diff: a chat prompt's messages as `[role]` and content. */
export function templateLines(version: PromptVersion): string {
  if (!version.messages) return version.text;
  return version.messages.map((m) => `[${m.role}]\n${m.content}`).join("\n");
}

/** The tags a new version carries, as the client writes them for a text or chat template. */
export function promptVersionTags(template: string | ChatMessage[]): KeyValue[] {
  const chat = typeof template !== "string";
  return [
    { key: IS_PROMPT_TAG, value: "true" },
    { key: TYPE_TAG, value: chat ? "chat" : "text" },
    { key: TEXT_TAG, value: chat ? JSON.stringify(template) : template },
  ];
}

/** Whether a registered model is a prompt (it carries the prompt tag). */
export function isPrompt(model: RegisteredModel): boolean {
  return (model.tags ?? []).some((t) => t.key === IS_PROMPT_TAG && t.value.toLowerCase() === "true");
}

/** Every version of prompt `name`, newest first (all pages). */
export async function searchPromptVersions(name: string): Promise<PromptVersion[]> {
  const versions: PromptVersion[] = [];
  let pageToken: string | undefined;
  do {
    const res = await get<{ model_versions?: ModelVersion[]; next_page_token?: string }>("/model-versions/search", {
      filter: `name = ${quote(name)} AND ${IS_PROMPT}`,
      max_results: 1000,
      order_by: ["version_number DESC"],
      page_token: pageToken,
    });
    versions.push(...(res.model_versions ?? []).map(promptVersion));
    pageToken = res.next_page_token;
  } while (pageToken);
  return versions;
}

/** A new version of prompt `name` with this template; the commit message is its description. */
export async function createPromptVersion(
  name: string,
  template: string | ChatMessage[],
  commitMessage: string,
): Promise<PromptVersion> {
  const res = await post<{ model_version: ModelVersion }>("/model-versions/create", {
    name,
    source: PROMPT_SOURCE,
    description: commitMessage || undefined,
    tags: promptVersionTags(template),
  });
  return promptVersion(res.model_version);
}
