import { formatMs, spanAttributes, type SpanNode } from "../lib/spans";

interface Props {
  rows: SpanNode[];
  totalMs: number;
  chosen: string | undefined;
  collapsed: ReadonlySet<string>;
  onChoose: (spanId: string) => void;
  onToggle: (spanId: string) => void;
}

/** The span tree, one row per span, with a bar placing the span on the trace's time line. */
export function SpanWaterfall({ rows, totalMs, chosen, collapsed, onChoose, onToggle }: Props) {
  const total = totalMs > 0 ? totalMs : 1;
  return (
    <div className="waterfall" role="tree" aria-label="Spans">
      {rows.map((node) => {
        const id = node.span.span_id;
        const type = spanAttributes(node.span)["mlflow.spanType"];
        const left = (node.startMs / total) * 100;
        const width = Math.max(((node.endMs - node.startMs) / total) * 100, 0.5);
        const failed = node.span.status?.code === "STATUS_CODE_ERROR";
        return (
          <div
            key={id}
            role="treeitem"
            aria-level={node.depth + 1}
            aria-selected={id === chosen}
            aria-expanded={node.children.length ? !collapsed.has(id) : undefined}
            className={`span-row${id === chosen ? " chosen" : ""}${failed ? " failed" : ""}`}
            data-span-name={node.span.name}
          >
            <div className="span-name" style={{ paddingLeft: `${node.depth * 16}px` }}>
              {node.children.length ? (
                <button
                  type="button"
                  className="link expander"
                  aria-label={`${collapsed.has(id) ? "Expand" : "Collapse"} ${node.span.name}`}
                  onClick={() => onToggle(id)}
                >
                  {collapsed.has(id) ? "▸" : "▾"}
                </button>
              ) : (
                <span className="expander" />
              )}
              <button type="button" className="link" onClick={() => onChoose(id)}>
                {node.span.name}
              </button>
              {typeof type === "string" && type !== "UNKNOWN" ? <span className="badge">{type.toLowerCase()}</span> : null}
            </div>
            <div className="span-track" title={`${formatMs(node.startMs)} → ${formatMs(node.endMs)}`}>
              <div className="span-bar" style={{ left: `${left}%`, width: `${Math.min(width, 100 - left)}%` }} />
            </div>
            <div className="span-time num">{formatMs(node.endMs - node.startMs)}</div>
          </div>
        );
      })}
    </div>
  );
}
