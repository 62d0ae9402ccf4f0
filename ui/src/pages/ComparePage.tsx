import { useCallback, useMemo, useRef, useState } from "react";
import { Link, useSearchParams } from "react-router-dom";
import { getExperiment, getHistories, getRun, MAX_POINTS_PER_RUN, searchRuns } from "../api/tracking";
import type { Metric, Run } from "../api/types";
import { ErrorMessage } from "../components/ErrorMessage";
import { LineChart } from "../components/LineChart";
import { ParallelCoordinates } from "../components/ParallelCoordinates";
import { ScatterPlot } from "../components/ScatterPlot";
import { discoverKeys, runName } from "../lib/columns";
import { overviewPoints, spliceWindow, stepWindow } from "../lib/chartWindow";
import { compareRows, parallelData, scatterPoints } from "../lib/compare";
import type { Range } from "../lib/decimate";
import { positiveOnly, smoothSeries, toSeries, type XAxis, color } from "../lib/series";
import { useAsync, useInterval } from "../lib/useAsync";
import { LIVE_REFRESH_MS } from "../lib/useRunPages";

const MAX_COMPARED = 500;

async function loadRuns(experimentId: string | null, runIds: string[]): Promise<Run[]> {
  if (!experimentId) return Promise.all(runIds.map(getRun));
  const found = new Map<string, Run>();
  for (let i = 0; i < runIds.length; i += 100) {
    const chunk = runIds.slice(i, i + 100);
    const res = await searchRuns({
      experiment_ids: [experimentId],
      filter: `attributes.run_id IN (${chunk.map((id) => `'${id}'`).join(", ")})`,
      run_view_type: "ALL",
      max_results: chunk.length,
    });
    for (const run of res.runs ?? []) found.set(run.info.run_id, run);
  }
  return runIds.map((id) => found.get(id)).filter((run): run is Run => run !== undefined);
}

export function ComparePage() {
  const [params, setParams] = useSearchParams();
  const experimentId = params.get("exp");
  const runIds = useMemo(
    () => (params.get("runs") ?? "").split(",").filter(Boolean).slice(0, MAX_COMPARED),
    [params],
  );
  // Settings live in the URL. Two changes made before the page renders again (pick an axis,
  // then tick a box) must both land: each one builds on the last one made, not on the URL of
  // the last render.
  const latestParams = useRef(params);
  const urlSeen = useRef(params.toString());
  if (params.toString() !== urlSeen.current) {
    urlSeen.current = params.toString(); // the URL changed (ours landed, or back/forward)
    latestParams.current = params;
  }
  const set = (key: string, value: string) => {
    const next = new URLSearchParams(latestParams.current);
    if (value) next.set(key, value);
    else next.delete(key);
    latestParams.current = next;
    setParams(next, { replace: true });
  };

  const runs = useAsync(() => loadRuns(experimentId, runIds), [experimentId, runIds.join(",")]);
  const experiment = useAsync(
    async () => (experimentId ? getExperiment(experimentId) : undefined),
    [experimentId],
  );
  const list = runs.data ?? [];
  const keys = useMemo(() => discoverKeys(list), [list]);
  const metric = params.get("metric") ?? keys.metrics[0] ?? "";
  const xAxis = (params.get("x") as XAxis | null) ?? "step";
  const smoothing = Number(params.get("smooth") ?? "0") || 0;
  const logY = params.get("log") === "1";
  const scatterX = params.get("sx") ?? (keys.params[0] ? `params.${keys.params[0]}` : `metrics.${keys.metrics[0] ?? ""}`);
  const scatterY = params.get("sy") ?? metric;
  const [onlyDiff, setOnlyDiff] = useState(false);
  const axisChoices = [...keys.params.map((k) => `params.${k}`), ...keys.metrics.map((k) => `metrics.${k}`)];
  const axes = params.has("pc")
    ? (params.get("pc") ?? "").split(",").filter((id) => axisChoices.includes(id))
    : [...keys.params.slice(0, 6).map((k) => `params.${k}`), ...(metric ? [`metrics.${metric}`] : [])];
  const toggleAxis = (id: string) =>
    set("pc", (axes.includes(id) ? axes.filter((a) => a !== id) : [...axes, id]).join(",") || ",");

  const live = list.some((run) => run.info.status === "RUNNING");
  const runIdsKey = runIds.join(",");
  // A sample of each history first (loaded alongside the runs when the URL names the metric);
  // the logged points of the zoomed-in window follow.
  const histories = useAsync(
    async () => ({
      metric,
      byRun: metric && runIds.length
        ? await getHistories({ runIds, metricKey: metric, maxResults: overviewPoints(window.innerWidth) })
        : new Map<string, Metric[]>(),
    }),
    [metric, runIdsKey],
  );
  const overview = histories.data?.metric === metric ? histories.data.byRun : undefined;

  // The zoom belongs to one metric, x axis and set of runs.
  const zoomKey = `${metric}|${xAxis}|${runIdsKey}`;
  const [zoomState, setZoomState] = useState<{ key: string; range: Range } | null>(null);
  const zoom = zoomState?.key === zoomKey ? zoomState.range : null;
  const onZoom = useCallback((range: Range | null) => setZoomState(range && { key: zoomKey, range }), [zoomKey]);
  const sampled = useMemo(() => {
    if (!overview) return [];
    return list.map((run) => {
      const id = run.info.run_id;
      return toSeries(id, "", overview.get(id) ?? [], xAxis, run.info.start_time);
    });
  }, [overview, list, xAxis]);
  const steps = zoom ? stepWindow(sampled, zoom) : null;
  const zoomed = useAsync(
    async () =>
      steps && {
        metric,
        ...steps,
        // Every logged point of a window up to 2,500 steps wide; a sample of wider ones.
        byRun: await getHistories({
          runIds,
          metricKey: metric,
          maxResults: MAX_POINTS_PER_RUN,
          startStep: steps.start,
          endStep: steps.end,
        }),
      },
    [metric, runIdsKey, steps?.start, steps?.end],
  );
  const windowData = zoom && zoomed.data?.metric === metric ? zoomed.data : null;
  useInterval(
    () => {
      runs.reload();
      histories.reload();
      if (zoom) zoomed.reload();
    },
    LIVE_REFRESH_MS,
    live,
  );

  const series = useMemo(() => {
    if (!overview) return [];
    return list.map((run) => {
      const id = run.info.run_id;
      const points = windowData
        ? spliceWindow(overview.get(id) ?? [], windowData.byRun.get(id) ?? [], windowData.start, windowData.end)
        : (overview.get(id) ?? []);
      let s = toSeries(id, runName(run), points, xAxis, run.info.start_time);
      s = smoothSeries(s, smoothing);
      return logY ? positiveOnly(s) : s;
    });
  }, [overview, windowData, list, xAxis, smoothing, logY]);

  const rows = useMemo(() => compareRows(list), [list]);
  const scatter = useMemo(() => scatterPoints(list, scatterX, scatterY, runName), [list, scatterX, scatterY]);
  const axesKey = axes.join(",");
  const parallel = useMemo(() => parallelData(list, axesKey.split(",").filter(Boolean)), [list, axesKey]);

  return (
    <div className="page compare-page">
      <div className="crumbs">
        <Link to="/experiments">Experiments</Link> /{" "}
        {experimentId ? <Link to={`/experiments/${experimentId}?sel=${runIds.join(",")}`}>
            {experiment.data?.name ?? `Experiment ${experimentId}`}
          </Link> : null} /
      </div>
      <h1>Compare {runIds.length} runs</h1>
      {runIds.length === 0 ? <p className="muted">Select runs in an experiment's runs table, then press Compare.</p> : null}
      <ErrorMessage error={runs.error} title="Cannot load the runs" />
      <div className="legend-runs">
        {list.map((run, i) => (
          <Link key={run.info.run_id} className="chip" to={`/experiments/${run.info.experiment_id}/runs/${run.info.run_id}`}>
            <span className="swatch" style={{ background: color(i) }} />
            {runName(run)}
          </Link>
        ))}
      </div>

      <section>
        <h2>Metric chart</h2>
        <div className="toolbar">
          <label>
            Metric{" "}
            <select aria-label="Metric" value={metric} onChange={(e) => set("metric", e.target.value)}>
              {keys.metrics.map((k) => (
                <option key={k} value={k}>
                  {k}
                </option>
              ))}
            </select>
          </label>
          <label>
            X axis{" "}
            <select aria-label="X axis" value={xAxis} onChange={(e) => set("x", e.target.value === "step" ? "" : e.target.value)}>
              <option value="step">Step</option>
              <option value="wall">Wall time</option>
              <option value="relative">Relative time</option>
            </select>
          </label>
          <label>
            Smoothing{" "}
            <input
              aria-label="Smoothing"
              type="range"
              min={0}
              max={0.99}
              step={0.01}
              value={smoothing}
              onChange={(e) => set("smooth", e.target.value === "0" ? "" : e.target.value)}
            />
            <span className="mono">{smoothing.toFixed(2)}</span>
          </label>
          <label className="check">
            <input type="checkbox" aria-label="Log scale" checked={logY} onChange={(e) => set("log", e.target.checked ? "1" : "")} />
            Log scale
          </label>
          <span className="muted">Drag to zoom, double-click to reset.</span>
          {live ? <span className="muted">live</span> : null}
        </div>
        <ErrorMessage error={histories.error ?? zoomed.error} title="Metric history" />
        {metric ? (
          <LineChart series={series} xAxis={xAxis} logY={logY} height={360} zoom={zoom} onZoom={onZoom} />
        ) : (
          <p className="muted">These runs have no metrics.</p>
        )}
      </section>

      <section>
        <h2>Scatter</h2>
        <div className="toolbar">
          <label>
            X{" "}
            <select aria-label="Scatter X" value={scatterX} onChange={(e) => set("sx", e.target.value)}>
              {keys.params.map((k) => (
                <option key={`p${k}`} value={`params.${k}`}>
                  param {k}
                </option>
              ))}
              {keys.metrics.map((k) => (
                <option key={`m${k}`} value={`metrics.${k}`}>
                  metric {k}
                </option>
              ))}
            </select>
          </label>
          <label>
            Y{" "}
            <select aria-label="Scatter Y" value={scatterY} onChange={(e) => set("sy", e.target.value)}>
              {keys.metrics.map((k) => (
                <option key={k} value={k}>
                  metric {k}
                </option>
              ))}
            </select>
          </label>
        </div>
        <ScatterPlot scatter={scatter} xLabel={scatterX} yLabel={scatterY} />
      </section>

      <section>
        <h2>Parallel coordinates</h2>
        <div className="axis-picker" role="group" aria-label="Axes">
          {axisChoices.map((id) => (
            <label key={id} className="check">
              <input type="checkbox" checked={axes.includes(id)} onChange={() => toggleAxis(id)} />
              {id.startsWith("params.") ? "param " : "metric "}
              {id.replace(/^(params|metrics)\./, "")}
            </label>
          ))}
        </div>
        <ParallelCoordinates axes={parallel.axes} lines={parallel.lines} labels={list.map(runName)} />
      </section>

      <section>
        <h2>Parameters and metrics</h2>
        <label className="check">
          <input type="checkbox" checked={onlyDiff} onChange={(e) => setOnlyDiff(e.target.checked)} />
          Only rows that differ
        </label>
        <div className="table-scroll">
          <table className="grid compare-table" aria-label="Run comparison">
            <thead>
              <tr>
                <th />
                {list.map((run) => (
                  <th key={run.info.run_id}>{runName(run)}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              {rows
                .filter((row) => !onlyDiff || row.differs)
                .map((row) => (
                  <tr key={`${row.kind}.${row.key}`} className={row.differs ? "differs" : undefined}>
                    <th scope="row">
                      <span className="muted">{row.kind} </span>
                      {row.key}
                    </th>
                    {row.values.map((value, i) => (
                      <td key={list[i]!.info.run_id} className={row.kind === "metric" ? "num" : undefined}>
                        {value ?? ""}
                      </td>
                    ))}
                  </tr>
                ))}
            </tbody>
          </table>
        </div>
      </section>
    </div>
  );
}
