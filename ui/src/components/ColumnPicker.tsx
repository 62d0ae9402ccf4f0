import { useEffect, useState } from "react";

interface Props {
  available: Record<"metrics" | "params" | "tags", string[]>;
  chosen: string[];
  onChange: (columns: string[]) => void;
}

const GROUPS: { kind: "metrics" | "params" | "tags"; label: string }[] = [
  { kind: "metrics", label: "Metrics" },
  { kind: "params", label: "Parameters" },
  { kind: "tags", label: "Tags" },
];

/** Choose which metric, param and tag columns the runs table shows. */
export function ColumnPicker({ available, chosen, onChange }: Props) {
  const [open, setOpen] = useState(false);
  const [search, setSearch] = useState("");
  // The choice lives in the URL, which the router applies a moment later; keep a local copy so
  // a checkbox reflects a click at once (and quick successive clicks build on each other).
  const [current, setCurrent] = useState(chosen);
  useEffect(() => setCurrent(chosen), [chosen]);
  const chosenSet = new Set(current);
  const update = (columns: string[]) => {
    setCurrent(columns);
    onChange(columns);
  };
  const toggle = (id: string) =>
    update(chosenSet.has(id) ? current.filter((c) => c !== id) : [...current, id]);

  return (
    <div className="picker">
      <button type="button" onClick={() => setOpen(!open)} aria-expanded={open}>
        Columns ({current.length})
      </button>
      {open ? (
        <div className="picker-panel" role="dialog" aria-label="Columns">
          <input
            aria-label="Find column"
            placeholder="Find a key"
            value={search}
            onChange={(e) => setSearch(e.target.value)}
          />
          {GROUPS.map(({ kind, label }) => {
            const keys = available[kind].filter((key) =>
              key.toLowerCase().includes(search.toLowerCase()),
            );
            return (
              <fieldset key={kind}>
                <legend>{label}</legend>
                {keys.length === 0 ? <span className="muted">none</span> : null}
                {keys.map((key) => {
                  const id = `${kind}.${key}`;
                  return (
                    <label key={id} className="check">
                      <input type="checkbox" checked={chosenSet.has(id)} onChange={() => toggle(id)} />
                      {key}
                    </label>
                  );
                })}
              </fieldset>
            );
          })}
          <div className="picker-actions">
            <button type="button" onClick={() => update([])}>
              Clear
            </button>
            <button type="button" onClick={() => setOpen(false)}>
              Done
            </button>
          </div>
        </div>
      ) : null}
    </div>
  );
}
