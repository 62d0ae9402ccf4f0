import { useState, type FormEvent } from "react";
import { createPromptVersion, parseMessages, type PromptType, type PromptVersion } from "../api/prompts";
import { templateVariables } from "../lib/promptTemplate";
import { ErrorMessage } from "./ErrorMessage";

interface Props {
  name: string;
  /** The version the form starts from (its type and template), if any. */
  base?: PromptVersion;
  onCreated: (version: PromptVersion) => void;
  onCancel: () => void;
}

const CHAT_EXAMPLE = '[\n  {"role": "system", "content": "You are {{style}}."},\n  {"role": "user", "content": "{{question}}"}\n]';

function startText(base: PromptVersion | undefined): string {
  if (!base) return "";
  return base.messages ? JSON.stringify(base.messages, null, 2) : base.text;
}

/** A form for a new version of a prompt: a text template, or chat messages as JSON, and a commit message. */
export function NewPromptVersion({ name, base, onCreated, onCancel }: Props) {
  const [type, setType] = useState<PromptType>(base?.messages ? "chat" : "text");
  const [text, setText] = useState(() => startText(base));
  const [message, setMessage] = useState("");
  const [error, setError] = useState<unknown>(undefined);
  const [saving, setSaving] = useState(false);
  const messages = type === "chat" ? parseMessages(text) : undefined;
  const variables = messages ? templateVariables(...messages.map((m) => m.content)) : templateVariables(text);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (type === "chat" && !messages) {
      setError(new Error('A chat template is a JSON list of messages: [{"role": "user", "content": "…"}].'));
      return;
    }
    setError(undefined);
    setSaving(true);
    try {
      onCreated(await createPromptVersion(name, messages ?? text, message.trim()));
    } catch (exc) {
      setError(exc);
    } finally {
      setSaving(false);
    }
  };

  return (
    <form className="stack-form wide-form" aria-label="New version" onSubmit={(e) => void submit(e)}>
      <h2>New version{base ? <span className="muted"> (from version {base.version})</span> : null}</h2>
      <div className="toolbar">
        <label className="check">
          Type
          <select aria-label="Template type" value={type} onChange={(e) => setType(e.target.value as PromptType)}>
            <option value="text">text</option>
            <option value="chat">chat (JSON messages)</option>
          </select>
        </label>
      </div>
      <textarea
        aria-label="Template"
        rows={12}
        className="mono"
        placeholder={type === "chat" ? CHAT_EXAMPLE : "Summarize {{text}} in {{n}} words."}
        value={text}
        onChange={(e) => setText(e.target.value)}
      />
      <p className="muted">
        Variables: {variables.length ? variables.map((v) => `{{${v}}}`).join(", ") : "none"}
      </p>
      <input
        aria-label="Commit message"
        placeholder="Commit message: what changed"
        value={message}
        onChange={(e) => setMessage(e.target.value)}
      />
      <div className="toolbar">
        <button type="submit" className="primary" disabled={saving || !text.trim()}>
          Create version
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
      <ErrorMessage error={error} title="Cannot create the version" />
    </form>
  );
}
