// Exponential moving average with bias correction, the smoothing people know from TensorBoard.

/**
 * Smooths `values` with weight `weight` in [0, 1): 0 returns the input unchanged. Gaps (null)
 * and non-finite values stay as they are and do not disturb the average.
 */
export function smooth(values: readonly (number | null)[], weight: number): (number | null)[] {
  if (weight <= 0) return [...values];
  const w = Math.min(weight, 0.999);
  let last = 0;
  let count = 0;
  return values.map((value) => {
    if (value === null || !Number.isFinite(value)) return value;
    last = last * w + (1 - w) * value;
    count += 1;
    return last / (1 - Math.pow(w, count));
  });
}
