import type { Axis, ParallelLine } from "../lib/compare";
import { formatNumber } from "../lib/format";
import { color } from "../lib/series";

const HEIGHT = 320;
const PAD = { top: 28, bottom: 36, side: 60 };
const AXIS_GAP = 150;

function axisTicks(axis: Axis): { position: number; label: string }[] {
  if (axis.categories) {
    const n = axis.categories.length;
    return axis.categories.map((label, i) => ({ position: n === 1 ? 0.5 : i / (n - 1), label }));
  }
  if (axis.min === axis.max) return [{ position: 0.5, label: formatNumber(axis.min) }];
  return [0, 0.5, 1].map((position) => ({
    position,
    label: formatNumber(Number((axis.min + (axis.max - axis.min) * position).toPrecision(4))),
  }));
}

/** One vertical axis per param or metric; each run is a line crossing them all. */
export function ParallelCoordinates({ axes, lines, labels }: { axes: Axis[]; lines: ParallelLine[]; labels: string[] }) {
  if (axes.length < 2) return <p className="muted">Choose at least two params or metrics.</p>;
  const width = PAD.side * 2 + AXIS_GAP * (axes.length - 1);
  const x = (a: number) => PAD.side + a * AXIS_GAP;
  const y = (position: number) => PAD.top + (1 - position) * (HEIGHT - PAD.top - PAD.bottom);

  return (
    <div className="table-scroll">
      <svg className="parallel" width={width} height={HEIGHT} role="img" aria-label="Parallel coordinates">
        {lines.map((line) => {
          const points = line.positions
            .map((p, a) => (p === null ? null : `${x(a)},${y(p)}`))
            .filter((p): p is string => p !== null);
          return (
            <polyline key={line.runId} points={points.join(" ")} fill="none" stroke={color(line.index)} strokeWidth={1.6} data-run-id={line.runId}>
              <title>{labels[line.index]}</title>
            </polyline>
          );
        })}
        {axes.map((axis, a) => (
          <g key={axis.id}>
            <line x1={x(a)} x2={x(a)} y1={y(0)} y2={y(1)} className="axis" />
            <text x={x(a)} y={14} textAnchor="middle" className="axis-label">
              {axis.id.replace(/^(params|metrics)\./, "")}
            </text>
            {axisTicks(axis).map((tick) => (
              <text key={tick.label} x={x(a) + 5} y={y(tick.position) + 4} className="tick">
                {tick.label}
              </text>
            ))}
          </g>
        ))}
      </svg>
    </div>
  );
}
