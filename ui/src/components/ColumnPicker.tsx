import { useState } from "react";

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
  const chosenSet = new Set(chosen);
  const toggle = (id: string) =>
    onChange(chosenSet.has(id) ? chosen.filter((c) => c !== id) : [...chosen, id]);

  return (
    <div className="picker">
      <button type="button" onClick={() => setOpen(!open)} aria-expanded={open}>
        Columns ({chosen.length})
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
            <button type="button" onClick={() => onChange([])}>
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
