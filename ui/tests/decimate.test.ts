import { describe, expect, it } from "vitest";
import type { Metric } from "../src/api/types";
import { overviewPoints, spliceWindow, stepWindow } from "../src/lib/chartWindow";
import { decimate } from "../src/lib/decimate";
import type { Series } from "../src/lib/series";

function series(y: (number | null)[], x = y.map((_, i) => i)): Series {
  return { id: "r", label: "r", x, y, steps: x.map((_, i) => i) };
}

/** A slowly falling curve with one spike up and one spike down. */
function spiky(n: number): Series {
  return series(Array.from({ length: n }, (_, i) => (i === 4321 ? 50 : i === 7777 ? -50 : 1 / (1 + i / 100))));
}

describe("decimate", () => {
  it("returns the series unchanged when it has no more points than the budget", () => {
    const s = series([3, 1, 4, 1, 5]);
    expect(decimate(s, 5)).toBe(s);
    expect(decimate(s, 1000)).toBe(s);
  });

  it("keeps at most the budget and the first and last points", () => {
    const s = spiky(10_000);
    const d = decimate(s, 1000);
    expect(d.x.length).toBeLessThanOrEqual(1002);
    expect(d.x.length).toBeGreaterThan(500);
    expect(d.x[0]).toBe(0);
    expect(d.x[d.x.length - 1]).toBe(9999);
    expect(d.y[d.y.length - 1]).toBe(s.y[9999]);
  });

  it("keeps the spikes: the lowest and highest value of every bucket", () => {
    const d = decimate(spiky(10_000), 1000);
    expect(d.y).toContain(50);
    expect(d.y).toContain(-50);
    expect(d.x[d.y.indexOf(50)]).toBe(4321);
    expect(d.steps[d.y.indexOf(-50)]).toBe(7777);
  });

  it("keeps real points in x order, with their own values", () => {
    const s = spiky(10_000);
    const d = decimate(s, 300);
    for (let i = 0; i < d.x.length; i++) {
      expect(d.y[i]).toBe(s.y[d.x[i]!]);
      if (i > 0) expect(d.x[i]!).toBeGreaterThan(d.x[i - 1]!);
    }
  });

  it("spends the budget on the zoomed range and keeps one point beyond each edge", () => {
    const d = decimate(spiky(10_000), 100, [4000, 5000]);
    const inside = d.x.filter((x) => x >= 4000 && x <= 5000);
    expect(inside.length).toBeGreaterThan(50);
    expect(d.x.filter((x) => x < 4000)).toEqual([0, 3999]);
    expect(d.x.filter((x) => x > 5000)).toEqual([5001, 9999]);
    expect(d.y).toContain(50);
  });

  it("skips gaps without dropping the points around them", () => {
    const y = Array.from({ length: 100 }, (_, i) => (i % 2 ? null : i));
    const d = decimate(series(y), 10);
    expect(d.y.filter((v) => v === null)).toEqual([null]); // only the last point, kept as is
    expect(d.y).toContain(0);
    expect(d.y).toContain(98);
  });
});

describe("chart window", () => {
  const point = (step: number, value = step): Metric => ({ key: "m", value, timestamp: 1000 * step, step });

  it("asks for one point per four pixels, 100 to 1,000", () => {
    expect(overviewPoints(1400)).toBe(350);
    expect(overviewPoints(100)).toBe(100);
    expect(overviewPoints(8000)).toBe(1000);
  });

  it("maps a zoomed x range to the steps around it", () => {
    const s: Series = { id: "r", label: "r", x: [0, 10, 20, 30, 40], y: [1, 2, 3, 4, 5], steps: [0, 100, 200, 300, 400] };
    expect(stepWindow([s], [12, 28])).toEqual({ start: 100, end: 300 });
    expect(stepWindow([s], [12, 18])).toEqual({ start: 100, end: 200 });
    expect(stepWindow([s], [50, 60])).toBeNull();
  });

  it("replaces the sampled points inside the window by the logged ones", () => {
    const overview = [0, 50, 100, 150].map((s) => point(s));
    const window = [50, 51, 52].map((s) => point(s, -s));
    expect(spliceWindow(overview, window, 50, 60).map((p) => [p.step, p.value])).toEqual([
      [0, 0], [100, 100], [150, 150], [50, -50], [51, -51], [52, -52],
    ]);
  });
});
