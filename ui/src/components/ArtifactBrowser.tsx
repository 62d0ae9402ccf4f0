import { useState } from "react";
import { artifactUrl, listArtifacts } from "../api/tracking";
import type { FileInfo } from "../api/types";
import { baseName, formatBytes, MAX_PREVIEW_BYTES, parseCsv, previewKind } from "../lib/artifacts";
import { useAsync } from "../lib/useAsync";
import { ErrorMessage } from "./ErrorMessage";

/** The run's artifact tree (folders load when opened) and a preview of the chosen file. */
export function ArtifactBrowser({ runId }: { runId: string }) {
  const [chosen, setChosen] = useState<FileInfo | null>(null);
  return (
    <div className="artifacts">
      <div className="artifact-tree" role="tree" aria-label="Artifacts">
        <Folder runId={runId} path="" depth={0} chosen={chosen?.path} onChoose={setChosen} />
      </div>
      <div className="artifact-preview">
        {chosen ? <Preview runId={runId} file={chosen} /> : <p className="muted">Choose a file to preview it.</p>}
      </div>
    </div>
  );
}

interface FolderProps {
  runId: string;
  path: string;
  depth: number;
  chosen: string | undefined;
  onChoose: (file: FileInfo) => void;
}

function Folder({ runId, path, depth, chosen, onChoose }: FolderProps) {
  const listing = useAsync(() => listArtifacts(runId, path), [runId, path]);
  const [open, setOpen] = useState<Set<string>>(new Set());
  if (listing.error) return <ErrorMessage error={listing.error} title="Cannot list artifacts" />;
  if (!listing.data) return <p className="muted">Loading…</p>;
  const files = [...(listing.data.files ?? [])].sort(
    (a, b) => Number(Boolean(b.is_dir)) - Number(Boolean(a.is_dir)) || a.path.localeCompare(b.path),
  );
  if (!files.length && depth === 0) return <p className="muted">No artifacts.</p>;
  const toggle = (p: string) => {
    const next = new Set(open);
    if (next.has(p)) next.delete(p);
    else next.add(p);
    setOpen(next);
  };
  return (
    <ul className="tree">
      {files.map((file) => (
        <li key={file.path} role="treeitem" aria-expanded={file.is_dir ? open.has(file.path) : undefined}>
          {file.is_dir ? (
            <>
              <button type="button" className="link tree-item" onClick={() => toggle(file.path)}>
                {open.has(file.path) ? "▾" : "▸"} {baseName(file.path)}/
              </button>
              {open.has(file.path) ? (
                <Folder runId={runId} path={file.path} depth={depth + 1} chosen={chosen} onChoose={onChoose} />
              ) : null}
            </>
          ) : (
            <button
              type="button"
              className={`link tree-item${chosen === file.path ? " chosen" : ""}`}
              onClick={() => onChoose(file)}
            >
              {baseName(file.path)} <span className="muted">{formatBytes(file.file_size)}</span>
            </button>
          )}
        </li>
      ))}
    </ul>
  );
}

function Preview({ runId, file }: { runId: string; file: FileInfo }) {
  const url = artifactUrl(runId, file.path);
  const kind = previewKind(file.path);
  const tooBig = (file.file_size ?? 0) > MAX_PREVIEW_BYTES;
  return (
    <div data-testid="artifact-preview">
      <div className="preview-head">
        <strong className="mono">{file.path}</strong> <span className="muted">{formatBytes(file.file_size)}</span>{" "}
        <a href={url} download={baseName(file.path)}>
          Download
        </a>
      </div>
      {kind === "image" ? (
        <img className="preview-image" src={url} alt={file.path} />
      ) : kind === "none" ? (
        <p className="muted">No preview for this type of file.</p>
      ) : tooBig ? (
        <p className="muted">Too large to preview; download it instead.</p>
      ) : (
        <TextPreview url={url} kind={kind} path={file.path} />
      )}
    </div>
  );
}

function TextPreview({ url, kind, path }: { url: string; kind: "json" | "csv" | "text"; path: string }) {
  const text = useAsync(async () => {
    const response = await fetch(url);
    if (!response.ok) throw new Error(`Download failed: HTTP ${response.status}`);
    return response.text();
  }, [url]);
  if (text.error) return <ErrorMessage error={text.error} />;
  if (text.data === undefined) return <p className="muted">Loading…</p>;
  if (kind === "csv") {
    const rows = parseCsv(text.data, path.toLowerCase().endsWith(".tsv") ? "\t" : ",");
    const [head, ...body] = rows;
    return (
      <div className="table-scroll">
        <table className="grid preview-table">
          <thead>
            <tr>{(head ?? []).map((cell, i) => <th key={i}>{cell}</th>)}</tr>
          </thead>
          <tbody>
            {body.map((row, r) => (
              <tr key={r}>{row.map((cell, i) => <td key={i}>{cell}</td>)}</tr>
            ))}
          </tbody>
        </table>
      </div>
    );
  }
  let shown = text.data;
  if (kind === "json") {
    try {
      shown = JSON.stringify(JSON.parse(text.data), null, 2);
    } catch {
      // Not valid JSON: show it as it is.
    }
  }
  return <pre className="preview-text">{shown}</pre>;
}
