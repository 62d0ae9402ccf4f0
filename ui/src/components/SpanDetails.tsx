import { formatMs, plainValue, prettyValue, spanAttributes, type SpanNode } from "../lib/spans";

const SHOWN_APART = new Set(["mlflow.spanInputs", "mlflow.spanOutputs", "mlflow.traceRequestId", "mlflow.spanType"]);

/** The chosen span: timing, status, inputs, outputs, other attributes and events. */
export function SpanDetails({ node }: { node: SpanNode }) {
  const { span } = node;
  const attributes = spanAttributes(span);
  const rest = Object.entries(attributes).filter(([key]) => !SHOWN_APART.has(key));
  const status = span.status?.code?.replace("STATUS_CODE_", "").toLowerCase() || "unset";
  return (
    <section className="span-details" aria-label="Span details">
      <h2>{span.name}</h2>
      <dl className="facts">
        <dt>Type</dt>
        <dd>{String(attributes["mlflow.spanType"] ?? "unknown").toLowerCase()}</dd>
        <dt>Status</dt>
        <dd>
          {status}
          {span.status?.message ? `: ${span.status.message}` : ""}
        </dd>
        <dt>Duration</dt>
        <dd>{formatMs(node.endMs - node.startMs)}</dd>
        <dt>Starts at</dt>
        <dd>+{formatMs(node.startMs)}</dd>
      </dl>
      <h3>Inputs</h3>
      <pre className="preview-text" data-testid="span-inputs">
        {"mlflow.spanInputs" in attributes ? prettyValue(attributes["mlflow.spanInputs"]) : "—"}
      </pre>
      <h3>Outputs</h3>
      <pre className="preview-text" data-testid="span-outputs">
        {"mlflow.spanOutputs" in attributes ? prettyValue(attributes["mlflow.spanOutputs"]) : "—"}
      </pre>
      <h3>Attributes</h3>
      {rest.length ? (
        <table className="kv" aria-label="Span attributes">
          <tbody>
            {rest.map(([key, value]) => (
              <tr key={key}>
                <th scope="row">{key}</th>
                <td className="mono">{prettyValue(value)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p className="muted">None</p>
      )}
      {span.events?.length ? (
        <>
          <h3>Events</h3>
          <ul>
            {span.events.map((event, i) => (
              <li key={i}>
                <strong>{event.name}</strong>{" "}
                <span className="mono">{JSON.stringify(Object.fromEntries((event.attributes ?? []).map((a) => [a.key, plainValue(a.value)])))}</span>
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </section>
  );
}
