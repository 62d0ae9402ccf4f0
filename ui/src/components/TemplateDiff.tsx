import { lineDiff } from "../lib/lineDiff";

const SIGN = { same: " ", added: "+", removed: "−" } as const;

/** The line diff of two templates: removed lines, added lines, and the lines they share. */
export function TemplateDiff({ before, after, label }: { before: string; after: string; label: string }) {
  const lines = lineDiff(before, after);
  const added = lines.filter((l) => l.kind === "added").length;
  const removed = lines.filter((l) => l.kind === "removed").length;
  return (
    <>
      <p className="muted" data-testid="diff-summary">
        {added || removed ? `${added} line${added === 1 ? "" : "s"} added, ${removed} removed` : "The templates are identical."}
      </p>
      <table className="diff" aria-label={label}>
        <tbody>
          {lines.map((line, i) => (
            <tr key={i} className={`diff-${line.kind}`}>
              <td className="diff-no">{line.oldNo ?? ""}</td>
              <td className="diff-no">{line.newNo ?? ""}</td>
              <td className="diff-sign">{SIGN[line.kind]}</td>
              <td className="diff-text">{line.text}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
