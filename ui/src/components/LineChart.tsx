import { useEffect, useRef, useState } from "react";
import uPlot, { type AlignedData, type Options } from "uplot";
import { decimate, type Range } from "../lib/decimate";
import { color, type Series, type XAxis } from "../lib/series";

/** Series with this many points or fewer get a marker on every point; lines alone hide them. */
export const SPARSE_POINTS = 50;
/** Step ticks are whole numbers: 1, 2, 5, 10, 20, 50, … */
const STEP_INCREMENTS = Array.from({ length: 36 }, (_, i) => [1, 2, 5][i % 3]! * 10 ** Math.floor(i / 3));

interface Props {
  series: Series[];
  xAxis: XAxis;
  logY?: boolean;
  height?: number;
  title?: string;
  /** Hide the legend (small charts); hover values still show in the tooltip row. */
  compact?: boolean;
  /** The zoomed x range (null: everything), when the page keeps it; else the chart does. */
  zoom?: Range | null;
  onZoom?: (zoom: Range | null) => void;
}

/**
 * Line chart of several series on one x axis (uPlot): drag to zoom, double-click to reset,
 * the legend shows the values under the cursor. Each series is drawn with at most one point
 * per pixel of the visible range (lowest and highest of each pair of pixels, see decimate).
 */
export function LineChart(props: Props) {
  const { series, xAxis, logY = false, height = 300, title, compact = false, onZoom } = props;
  const box = useRef<HTMLDivElement>(null);
  const [ownZoom, setOwnZoom] = useState<Range | null>(null);
  const zoom = onZoom ? (props.zoom ?? null) : ownZoom;
  const setZoom = onZoom ?? setOwnZoom;

  useEffect(() => {
    const element = box.current;
    if (!element) return undefined;
    const width = Math.max(200, element.clientWidth);
    const drawn = series.map((s) => decimate(s, width, zoom ?? undefined));
    const tables = drawn.map((s) => [s.x, s.y] as AlignedData);
    const data: AlignedData =
      tables.length > 0 ? uPlot.join(tables as unknown as AlignedData[]) : [[], []];
    const xs = data[0] as ArrayLike<number>;
    const singleX = xs.length === 1 ? xs[0]! : null;
    const options: Options = {
      title,
      width,
      height,
      legend: { show: !compact, live: true },
      cursor: { drag: { x: true, y: false, setScale: true } },
      scales: {
        // One x value (say a metric logged once) sits in the middle, not on the chart's edge
        // (uPlot would stretch it to 0..100).
        x: {
          time: xAxis === "wall",
          ...(singleX === null ? {} : { range: () => [singleX - 1, singleX + 1] }),
          ...(zoom ? { min: zoom[0], max: zoom[1] } : {}),
        },
        y: logY ? { distr: 3 } : {},
      },
      axes: [
        {
          label: xAxis === "step" ? "step" : xAxis === "relative" ? "seconds since start" : undefined,
          ...(xAxis === "step" ? { incrs: STEP_INCREMENTS } : {}),
        },
        { size: 60 },
      ],
      series: [
        { label: xAxis === "step" ? "step" : xAxis === "relative" ? "seconds" : "time" },
        ...series.map((s, i) => ({
          label: s.label,
          stroke: color(i),
          width: 1.5,
          spanGaps: true,
          // Sparse series (a handful of logged values) would be invisible as lines alone; a lone
          // point gets a bigger, filled marker.
          points: markers(s, color(i)),
        })),
      ],
    };
    const points = drawn.reduce((sum, s) => sum + s.x.length, 0);
    const extent: Range | null = xs.length ? [xs[0]!, xs[xs.length - 1]!] : null;
    // When the chart last drew, how many series and points and what x range it showed (read by
    // tests and bench/ui.py).
    options.hooks = {
      setScale: [
        (u, key) => {
          const min = u.scales.x?.min;
          const max = u.scales.x?.max;
          if (key !== "x" || min == null || max == null || !extent) return;
          const next: Range | null = min <= extent[0] && max >= extent[1] ? null : [min, max];
          if (next?.[0] !== zoom?.[0] || next?.[1] !== zoom?.[1]) setZoom(next);
        },
      ],
      draw: [
        (u) => {
          element.dataset.series = String(series.length);
          element.dataset.points = String(points);
          element.dataset.drawnAt = String(Math.round(performance.now()));
          element.dataset.xRange = `${u.scales.x?.min ?? ""},${u.scales.x?.max ?? ""}`;
        },
      ],
    };
    const plot = new uPlot(options, data, element);
    const observer = new ResizeObserver(() => {
      plot.setSize({ width: Math.max(200, element.clientWidth), height });
    });
    observer.observe(element);
    return () => {
      observer.disconnect();
      plot.destroy();
    };
  }, [series, xAxis, logY, height, title, compact, zoom, setZoom]);

  return <div className="chart" ref={box} data-testid="line-chart" />;
}

function markers(s: Series, stroke: string): { show: boolean; size?: number; fill?: string } {
  const count = s.y.filter((v) => v !== null).length;
  if (count === 1) return { show: true, size: 9, fill: stroke };
  return { show: count <= SPARSE_POINTS };
}
