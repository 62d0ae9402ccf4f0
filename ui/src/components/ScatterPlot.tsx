import { color } from "../lib/series";
import type { Scatter } from "../lib/compare";
import { formatNumber } from "../lib/format";

const WIDTH = 560;
const HEIGHT = 340;
const PAD = { left: 64, right: 16, top: 16, bottom: 48 };

/** Axis labels: four significant digits are enough to read a tick. */
function tickLabel(value: number): string {
  return formatNumber(Number(value.toPrecision(4)));
}

function ticks(min: number, max: number, count = 5): number[] {
  if (min === max) return [min];
  return Array.from({ length: count }, (_, i) => min + ((max - min) * i) / (count - 1));
}

/** One dot per run: x is a param (numeric or categorical) or metric, y a metric. */
export function ScatterPlot({ scatter, xLabel, yLabel }: { scatter: Scatter; xLabel: string; yLabel: string }) {
  const { points, categories } = scatter;
  if (!points.length) return <p className="muted">No run has both values.</p>;
  const xs = points.map((p) => p.x);
  const ys = points.map((p) => p.y);
  const [xMin, xMax] = categories ? [-0.5, categories.length - 0.5] : pad(Math.min(...xs), Math.max(...xs));
  const [yMin, yMax] = pad(Math.min(...ys), Math.max(...ys));
  const sx = (x: number) => PAD.left + ((x - xMin) / (xMax - xMin)) * (WIDTH - PAD.left - PAD.right);
  const sy = (y: number) => HEIGHT - PAD.bottom - ((y - yMin) / (yMax - yMin)) * (HEIGHT - PAD.top - PAD.bottom);
  const xTicks = categories ? categories.map((_, i) => i) : ticks(xMin, xMax);

  return (
    <svg className="scatter" viewBox={`0 0 ${WIDTH} ${HEIGHT}`} width={WIDTH} height={HEIGHT} role="img" aria-label={`${yLabel} against ${xLabel}`}>
      <line x1={PAD.left} y1={HEIGHT - PAD.bottom} x2={WIDTH - PAD.right} y2={HEIGHT - PAD.bottom} className="axis" />
      <line x1={PAD.left} y1={PAD.top} x2={PAD.left} y2={HEIGHT - PAD.bottom} className="axis" />
      {xTicks.map((t) => (
        <text key={`x${t}`} x={sx(t)} y={HEIGHT - PAD.bottom + 16} textAnchor="middle" className="tick">
          {categories ? categories[t] : tickLabel(t)}
        </text>
      ))}
      {ticks(yMin, yMax).map((t) => (
        <text key={`y${t}`} x={PAD.left - 6} y={sy(t) + 4} textAnchor="end" className="tick">
          {tickLabel(t)}
        </text>
      ))}
      <text x={(WIDTH + PAD.left) / 2} y={HEIGHT - 8} textAnchor="middle" className="axis-label">
        {xLabel}
      </text>
      <text x={14} y={(HEIGHT - PAD.bottom) / 2} textAnchor="middle" className="axis-label" transform={`rotate(-90 14 ${(HEIGHT - PAD.bottom) / 2})`}>
        {yLabel}
      </text>
      {points.map((p) => (
        <circle key={p.runId} cx={sx(p.x)} cy={sy(p.y)} r={5} fill={color(p.index)} data-run-id={p.runId}>
          <title>{`${p.label}: ${categories ? categories[p.x] : formatNumber(p.x)}, ${formatNumber(p.y)}`}</title>
        </circle>
      ))}
    </svg>
  );
}

function pad(min: number, max: number): [number, number] {
  if (min === max) return [min - 1, max + 1];
  const margin = (max - min) * 0.05;
  return [min - margin, max + margin];
}
