// A line diff by longest common subsequence: small inputs (prompt templates), no dependency.

export type DiffKind = "same" | "added" | "removed";

export interface DiffLine {
  kind: DiffKind;
  text: string;
  /** The line's number in the old text (same and removed lines). */
  oldNo?: number;
  /** The line's number in the new text (same and added lines). */
  newNo?: number;
}

// Past this many cells the table would cost too much memory: the middle is shown replaced.
const MAX_CELLS = 4_000_000;

/** The lines of `before` and `after`, each marked same, removed (old only) or added (new only). */
export function lineDiff(before: string, after: string): DiffLine[] {
  const a = before.split("\n");
  const b = after.split("\n");
  // Common head and tail lines need no table.
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;

  const out: DiffLine[] = a.slice(0, head).map((text, i) => ({ kind: "same", text, oldNo: i + 1, newNo: i + 1 }));
  middle(a.slice(head, a.length - tail), b.slice(head, b.length - tail), head, out);
  a.slice(a.length - tail).forEach((text, k) => {
    out.push({ kind: "same", text, oldNo: a.length - tail + k + 1, newNo: b.length - tail + k + 1 });
  });
  return out;
}

function middle(a: string[], b: string[], offset: number, out: DiffLine[]): void {
  const n = a.length;
  const m = b.length;
  if ((n + 1) * (m + 1) > MAX_CELLS) {
    a.forEach((text, i) => out.push({ kind: "removed", text, oldNo: offset + i + 1 }));
    b.forEach((text, j) => out.push({ kind: "added", text, newNo: offset + j + 1 }));
    return;
  }
  // lcs(i, j): the length of the longest common subsequence of a[i..] and b[j..].
  const width = m + 1;
  const table = new Uint32Array((n + 1) * width);
  const lcs = (i: number, j: number): number => table[i * width + j] ?? 0;
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      table[i * width + j] = a[i] === b[j] ? lcs(i + 1, j + 1) + 1 : Math.max(lcs(i + 1, j), lcs(i, j + 1));
    }
  }
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    const left = a[i];
    const right = b[j];
    if (left !== undefined && left === right) {
      out.push({ kind: "same", text: left, oldNo: offset + i + 1, newNo: offset + j + 1 });
      i++;
      j++;
    } else if (left !== undefined && (right === undefined || lcs(i + 1, j) >= lcs(i, j + 1))) {
      // Removals before additions, as a reader of unified diffs expects.
      out.push({ kind: "removed", text: left, oldNo: offset + i + 1 });
      i++;
    } else {
      out.push({ kind: "added", text: right ?? "", newNo: offset + j + 1 });
      j++;
    }
  }
}
