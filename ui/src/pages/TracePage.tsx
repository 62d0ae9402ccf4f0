import { useMemo, useState } from "react";
import { Link, useParams } from "react-router-dom";
import { getTrace, type Assessment, type TraceInfo } from "../api/traces";
import { getExperiment } from "../api/tracking";
import { ErrorMessage } from "../components/ErrorMessage";
import { SpanDetails } from "../components/SpanDetails";
import { SpanWaterfall } from "../components/SpanWaterfall";
import { formatTime } from "../lib/format";
import { durationMs, flattenTree, formatMs, isoMs, prettyValue, spanTree } from "../lib/spans";
import { useAsync } from "../lib/useAsync";
import { TraceState } from "./TracesPage";

/** One trace: its span tree with a timing bar per span, the chosen span's data, assessments. */
export function TracePage() {
  const { experimentId = "", traceId = "" } = useParams();
  const trace = useAsync(() => getTrace(traceId), [traceId]);
  const experiment = useAsync(() => getExperiment(experimentId), [experimentId]);
  const tree = useMemo(() => spanTree(trace.data?.spans ?? []), [trace.data]);
  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(new Set());
  const rows = useMemo(() => flattenTree(tree.roots, collapsed), [tree, collapsed]);
  const [chosenId, setChosenId] = useState<string | null>(null);
  const chosen = rows.find((r) => r.span.span_id === chosenId) ?? rows[0];
  const info = trace.data?.trace_info;

  const toggle = (spanId: string) =>
    setCollapsed((old) => {
      const next = new Set(old);
      if (next.has(spanId)) next.delete(spanId);
      else next.add(spanId);
      return next;
    });

  return (
    <div className="page trace-page">
      <div className="crumbs">
        <Link to="/experiments">Experiments</Link> /{" "}
        <Link to={`/experiments/${experimentId}/traces`}>{experiment.data?.name ?? `Experiment ${experimentId}`}</Link> / traces /
      </div>
      <div className="page-head">
        <h1>{info?.tags?.["mlflow.traceName"] ?? "Trace"}</h1>
        {info ? <TraceState state={info.state} /> : null}
        <span className="muted mono">{traceId}</span>
      </div>
      <ErrorMessage error={trace.error} title="Cannot load the trace" />
      {info ? <TraceFacts info={info} experimentId={experimentId} /> : null}
      {trace.data ? (
        <div className="trace-layout">
          <SpanWaterfall
            rows={rows}
            totalMs={tree.totalMs}
            chosen={chosen?.span.span_id}
            collapsed={collapsed}
            onChoose={setChosenId}
            onToggle={toggle}
          />
          {chosen ? <SpanDetails node={chosen} /> : <p className="muted">This trace has no spans.</p>}
        </div>
      ) : trace.loading ? (
        <p className="muted">Loading…</p>
      ) : null}
      {info ? <Assessments assessments={info.assessments ?? []} /> : null}
    </div>
  );
}

function TraceFacts({ info, experimentId }: { info: TraceInfo; experimentId: string }) {
  const run = info.trace_metadata?.["mlflow.sourceRun"];
  const tags = Object.entries(info.tags ?? {}).filter(([k]) => !k.startsWith("mlflow."));
  return (
    <dl className="facts">
      <dt>Started</dt>
      <dd>{formatTime(isoMs(info.request_time))}</dd>
      <dt>Duration</dt>
      <dd>{formatMs(durationMs(info.execution_duration))}</dd>
      {run ? (
        <>
          <dt>Run</dt>
          <dd>
            <Link className="mono" to={`/experiments/${experimentId}/runs/${run}`}>
              {run}
            </Link>
          </dd>
        </>
      ) : null}
      {info.client_request_id ? (
        <>
          <dt>Client request ID</dt>
          <dd className="mono">{info.client_request_id}</dd>
        </>
      ) : null}
      {tags.length ? (
        <>
          <dt>Tags</dt>
          <dd>
            {tags.map(([k, v]) => (
              <span key={k} className="chip">
                {k}={v}
              </span>
            ))}
          </dd>
        </>
      ) : null}
    </dl>
  );
}

function assessmentValue(a: Assessment): string {
  if (a.feedback) {
    if (a.feedback.error?.error_message) return `error: ${a.feedback.error.error_message}`;
    return prettyValue(a.feedback.value);
  }
  if (a.expectation) return prettyValue(a.expectation.value ?? a.expectation.serialized_value?.value);
  return "";
}

function Assessments({ assessments }: { assessments: Assessment[] }) {
  return (
    <section>
      <h2>Assessments ({assessments.length})</h2>
      {assessments.length === 0 ? (
        <p className="muted">No feedback or expectations on this trace.</p>
      ) : (
        <table className="grid" aria-label="Assessments">
          <thead>
            <tr>
              <th>Name</th>
              <th>Kind</th>
              <th>Value</th>
              <th>Rationale</th>
              <th>Source</th>
              <th>Created</th>
            </tr>
          </thead>
          <tbody>
            {assessments.map((a) => (
              <tr key={a.assessment_id} className={a.valid === false ? "deleted" : undefined}>
                <td>{a.assessment_name}</td>
                <td>{a.feedback ? "feedback" : a.expectation ? "expectation" : ""}</td>
                <td className="mono">{assessmentValue(a)}</td>
                <td>{a.rationale}</td>
                <td>
                  {a.source?.source_type?.toLowerCase()}
                  {a.source?.source_id ? ` (${a.source.source_id})` : ""}
                </td>
                <td>{formatTime(isoMs(a.create_time))}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
