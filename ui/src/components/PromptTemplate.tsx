import type { PromptVersion } from "../api/prompts";
import { templateSegments, templateVariables } from "../lib/promptTemplate";

/** Text with its `{{variables}}` marked. */
export function HighlightedText({ text }: { text: string }) {
  return (
    <>
      {templateSegments(text).map((segment, i) =>
        segment.variable ? (
          <mark key={i} className="prompt-var" title={`variable ${segment.variable}`}>
            {segment.text}
          </mark>
        ) : (
          <span key={i}>{segment.text}</span>
        ),
      )}
    </>
  );
}

/** A version's template (text, or chat messages by role) and the variables it takes. */
export function PromptTemplate({ version }: { version: PromptVersion }) {
  const variables = version.messages
    ? templateVariables(...version.messages.map((m) => m.content))
    : templateVariables(version.text);
  return (
    <div className="prompt-template">
      {version.messages ? (
        <ol className="chat-messages" aria-label="Messages">
          {version.messages.map((message, i) => (
            <li key={i} className={`chat-message role-${message.role}`}>
              <div className="chat-role">{message.role}</div>
              <pre className="template-text">
                <HighlightedText text={message.content} />
              </pre>
            </li>
          ))}
        </ol>
      ) : (
        <pre className="template-text" data-testid="template-text">
          <HighlightedText text={version.text} />
        </pre>
      )}
      <h3>Variables</h3>
      {variables.length ? (
        <ul className="tags" aria-label="Variables">
          {variables.map((name) => (
            <li key={name} className="chip mono">
              {name}
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted">This template takes no variables.</p>
      )}
    </div>
  );
}
