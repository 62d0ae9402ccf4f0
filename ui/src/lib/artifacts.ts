// How an artifact file is previewed, and a small CSV reader for the table preview.

export type PreviewKind = "image" | "json" | "csv" | "text" | "none";

/** Files larger than this are offered for download only. */
export const MAX_PREVIEW_BYTES = 2 * 1024 * 1024;
export const MAX_PREVIEW_ROWS = 500;

const IMAGE = new Set(["png", "jpg", "jpeg", "gif", "svg", "webp", "bmp"]);
const TEXT = new Set([
  "txt", "log", "md", "py", "yaml", "yml", "toml", "ini", "cfg", "sh", "html", "xml", "sql",
  "r", "js", "ts", "ipynb",
]);
const TEXT_NAMES = new Set(["MLmodel", "requirements.txt", "conda.yaml", "python_env.yaml", "LICENSE"]);

export function baseName(path: string): string {
  return path.slice(path.lastIndexOf("/") + 1);
}

export function previewKind(path: string): PreviewKind {
  const name = baseName(path);
  if (TEXT_NAMES.has(name)) return "text";
  const dot = name.lastIndexOf(".");
  const ext = dot > 0 ? name.slice(dot + 1).toLowerCase() : "";
  if (IMAGE.has(ext)) return "image";
  if (ext === "json") return "json";
  if (ext === "csv" || ext === "tsv") return "csv";
  if (TEXT.has(ext)) return "text";
  return "none";
}

/** Rows of a CSV/TSV text (quoted fields, doubled quotes, CRLF), at most `maxRows`. */
export function parseCsv(text: string, delimiter = ",", maxRows = MAX_PREVIEW_ROWS): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') {
        quoted = false;
      } else {
        field += ch;
      }
    } else if (ch === '"' && field === "") {
      quoted = true;
    } else if (ch === delimiter) {
      row.push(field);
      field = "";
    } else if (ch === "\n" || ch === "\r") {
      if (ch === "\r" && text[i + 1] === "\n") i++;
      row.push(field);
      rows.push(row);
      if (rows.length >= maxRows) return rows;
      row = [];
      field = "";
    } else {
      field += ch;
    }
  }
  if (field !== "" || row.length) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

export function formatBytes(size: number | undefined): string {
  if (size === undefined) return "";
  if (size < 1024) return `${size} B`;
  const units = ["KB", "MB", "GB", "TB"];
  let value = size / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}
