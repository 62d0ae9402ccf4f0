import { useMemo, type ReactNode } from "react";
import { Link, useParams } from "react-router-dom";
import {
  deleteRunTag,
  getExperiment,
  getHistories,
  getRun,
  searchRuns,
  setRunTag,
} from "../api/tracking";
import type { Metric, Run } from "../api/types";
import { ArtifactBrowser } from "../components/ArtifactBrowser";
import { ErrorMessage } from "../components/ErrorMessage";
import { LineChart } from "../components/LineChart";
import { NoteEditor } from "../components/NoteEditor";
import { TagEditor } from "../components/TagEditor";
import { runName, tagValue } from "../lib/columns";
import { formatDuration, formatNumber, formatTime } from "../lib/format";
import { PARENT_TAG } from "../lib/nesting";
import { toSeries } from "../lib/series";
import { useAsync, useInterval } from "../lib/useAsync";
import { LIVE_REFRESH_MS } from "../lib/useRunPages";

export const NOTE_TAG = "mlflow.note.content";
const CHART_POINTS = 500;
const SOURCE_TAGS: [string, string][] = [
  ["mlflow.source.name", "Source"],
  ["mlflow.source.type", "Source type"],
  ["mlflow.source.git.commit", "Git commit"],
  ["mlflow.user", "User tag"],
];

export function RunPage() {
  const { experimentId = "", runId = "" } = useParams();
  const run = useAsync(() => getRun(runId), [runId]);
  const experiment = useAsync(() => getExperiment(experimentId), [experimentId]);
  const children = useAsync(
    () =>
      searchRuns({
        experiment_ids: [experimentId],
        filter: `tags.\`${PARENT_TAG}\` = '${runId}'`,
        run_view_type: "ALL",
        max_results: 200,
      }),
    [experimentId, runId],
  );
  const live = run.data?.info.status === "RUNNING";
  useInterval(run.reload, LIVE_REFRESH_MS, live);

  if (run.error) {
    return (
      <div className="page">
        <div className="crumbs">
          <Link to="/experiments">Experiments</Link> / <Link to={`/experiments/${experimentId}`}>{experimentId}</Link> /
        </div>
        <ErrorMessage title="Cannot load the run" error={run.error} />
      </div>
    );
  }
  const data = run.data;
  if (!data) return <p className="page muted">Loading…</p>;
  return (
    <RunView
      run={data}
      experimentId={experimentId}
      experimentName={experiment.data?.name ?? `Experiment ${experimentId}`}
      childRuns={children.data?.runs ?? []}
      onChanged={run.reload}
      live={live}
    />
  );
}

interface ViewProps {
  run: Run;
  experimentId: string;
  experimentName: string;
  childRuns: Run[];
  onChanged: () => void;
  live: boolean;
}

function RunView({ run, experimentId, experimentName, childRuns, onChanged, live }: ViewProps) {
  const info = run.info;
  const tags = run.data.tags ?? [];
  const parent = tagValue(run, PARENT_TAG);
  const params = [...(run.data.params ?? [])].sort((a, b) => a.key.localeCompare(b.key));
  const metrics = [...(run.data.metrics ?? [])].sort((a, b) => a.key.localeCompare(b.key));
  const datasets = run.inputs?.dataset_inputs ?? [];

  return (
    <div className="page run-page">
      <div className="crumbs">
        <Link to="/experiments">Experiments</Link> /{" "}
        <Link to={`/experiments/${experimentId}`}>{experimentName}</Link> /
      </div>
      <div className="page-head">
        <h1>{runName(run)}</h1>
        <span className={`status status-${info.status.toLowerCase()}`}>{info.status}</span>
        {info.lifecycle_stage === "deleted" ? <span className="badge">deleted</span> : null}
        {live ? <span className="muted">live: refreshing every {LIVE_REFRESH_MS / 1000}s</span> : null}
      </div>

      <section className="overview">
        <dl className="facts">
          <dt>Run ID</dt>
          <dd className="mono">{info.run_id}</dd>
          <dt>Started</dt>
          <dd>{formatTime(info.start_time)}</dd>
          <dt>Ended</dt>
          <dd>{info.end_time ? formatTime(info.end_time) : "—"}</dd>
          <dt>Duration</dt>
          <dd>{formatDuration(info.start_time, info.end_time)}</dd>
          <dt>User</dt>
          <dd>{info.user_id}</dd>
          {SOURCE_TAGS.map(([key, label]) => {
            const value = tagValue(run, key);
            return value ? (
              <Fact key={key} label={label}>
                {value}
              </Fact>
            ) : null;
          })}
          <dt>Artifact URI</dt>
          <dd className="mono">{info.artifact_uri}</dd>
          {parent ? (
            <Fact label="Parent run">
              <Link to={`/experiments/${experimentId}/runs/${parent}`}>{parent}</Link>
            </Fact>
          ) : null}
          {childRuns.length ? (
            <Fact label="Child runs">
              {childRuns.map((child) => (
                <Link key={child.info.run_id} className="chip" to={`/experiments/${experimentId}/runs/${child.info.run_id}`}>
                  {runName(child)}
                </Link>
              ))}
            </Fact>
          ) : null}
        </dl>
      </section>

      <section>
        <h2>Description</h2>
        <NoteEditor
          note={tagValue(run, NOTE_TAG) ?? ""}
          onSave={(text) => setRunTag(info.run_id, NOTE_TAG, text)}
          onSaved={onChanged}
        />
      </section>

      <section>
        <h2>Parameters ({params.length})</h2>
        <KeyValueTable rows={params.map((p) => [p.key, p.value])} label="Parameters" />
      </section>

      <section>
        <h2>Metrics ({metrics.length})</h2>
        <MetricsSection run={run} metrics={metrics} />
      </section>

      {datasets.length ? (
        <section>
          <h2>Inputs</h2>
          <table className="grid">
            <thead>
              <tr>
                <th>Dataset</th>
                <th>Digest</th>
                <th>Context</th>
                <th>Source type</th>
                <th>Source</th>
              </tr>
            </thead>
            <tbody>
              {datasets.map((input, i) => (
                <tr key={`${input.dataset.name}-${input.dataset.digest}-${i}`}>
                  <td>{input.dataset.name}</td>
                  <td className="mono">{input.dataset.digest}</td>
                  <td>{input.tags?.find((t) => t.key === "mlflow.data.context")?.value ?? ""}</td>
                  <td>{input.dataset.source_type}</td>
                  <td className="mono wrap">{input.dataset.source}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ) : null}

      <section>
        <h2>Tags</h2>
        <TagEditor
          tags={tags.filter((t) => t.key !== NOTE_TAG)}
          onSet={(key, value) => setRunTag(info.run_id, key, value)}
          onDelete={(key) => deleteRunTag(info.run_id, key)}
          onChanged={onChanged}
        />
      </section>

      <section>
        <h2>Artifacts</h2>
        <ArtifactBrowser runId={info.run_id} />
      </section>
    </div>
  );
}

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <>
      <dt>{label}</dt>
      <dd>{children}</dd>
    </>
  );
}

function KeyValueTable({ rows, label }: { rows: [string, string][]; label: string }) {
  if (!rows.length) return <p className="muted">None</p>;
  return (
    <table className="grid kv" aria-label={label}>
      <tbody>
        {rows.map(([key, value]) => (
          <tr key={key}>
            <th scope="row">{key}</th>
            <td className="wrap">{value}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function MetricsSection({ run, metrics }: { run: Run; metrics: Metric[] }) {
  const runId = run.info.run_id;
  // Re-read histories whenever the latest values change (live runs), not on every render.
  const version = metrics.map((m) => `${m.key}:${m.step}:${m.timestamp}`).join("|");
  const histories = useAsync(async () => {
    const entries = await Promise.all(
      metrics.map(async (m) => {
        const byRun = await getHistories({ runIds: [runId], metricKey: m.key, maxResults: CHART_POINTS });
        return [m.key, byRun.get(runId) ?? []] as const;
      }),
    );
    return new Map(entries);
  }, [runId, version]);

  if (!metrics.length) return <p className="muted">None</p>;
  return (
    <>
      <table className="grid kv" aria-label="Metrics">
        <thead>
          <tr>
            <th>Metric</th>
            <th>Latest</th>
            <th>Step</th>
            <th>Logged</th>
          </tr>
        </thead>
        <tbody>
          {metrics.map((m) => (
            <tr key={m.key}>
              <th scope="row">{m.key}</th>
              <td className="num">{formatNumber(m.value)}</td>
              <td className="num">{m.step}</td>
              <td>{formatTime(m.timestamp)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <ErrorMessage error={histories.error} title="Metric history" />
      <div className="chart-grid">
        {metrics.map((m) => (
          <MetricChart key={m.key} metricKey={m.key} points={histories.data?.get(m.key)} />
        ))}
      </div>
    </>
  );
}

function MetricChart({ metricKey, points }: { metricKey: string; points: Metric[] | undefined }) {
  const series = useMemo(
    () => (points ? [toSeries(metricKey, metricKey, points, "step")] : []),
    [metricKey, points],
  );
  return (
    <div className="chart-card" data-metric={metricKey}>
      <h3>{metricKey}</h3>
      {points ? (
        <LineChart series={series} xAxis="step" height={180} compact />
      ) : (
        <p className="muted">Loading…</p>
      )}
    </div>
  );
}
