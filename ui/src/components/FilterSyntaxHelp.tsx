// The runs filter grammar at a glance, each example one click away from the filter box.

const SECTIONS: { title: string; note: string; examples: string[] }[] = [
  {
    title: "Fields",
    note: "metrics.<key>, params.<key>, tags.<key>, attributes.<name> (run_id, run_name, status, user_id, artifact_uri, start_time, end_time, created), datasets.name|digest|context. A key with spaces or other signs goes in backticks.",
    examples: ["tags.`my tag` = 'x'"],
  },
  {
    title: "Numbers: = != < <= > >=",
    note: "Metrics, and times in milliseconds since 1970.",
    examples: ["metrics.acc >= 0.9", "metrics.loss < 0.2", "attributes.start_time > 1700000000000"],
  },
  {
    title: "Text: = != LIKE ILIKE",
    note: "Values in '…' or \"…\" (a quote inside is doubled). In LIKE, % matches any run of characters and _ one; ILIKE ignores case.",
    examples: ["params.optimizer = 'adam'", "attributes.run_name LIKE 'resnet-%'", "tags.team ILIKE '%VISION%'"],
  },
  {
    title: "IN, NOT IN",
    note: "One of a list of values.",
    examples: ["params.lr IN ('0.1', '0.01')", "attributes.status NOT IN ('FAILED', 'KILLED')"],
  },
  {
    title: "IS NULL, IS NOT NULL",
    note: "Runs without (or with) a metric, param or tag.",
    examples: ["metrics.val_acc IS NULL", "tags.reviewed IS NOT NULL"],
  },
  {
    title: "AND, OR, NOT, ( )",
    note: "NOT binds tightest, then AND, then OR; parentheses group.",
    examples: [
      "metrics.acc > 0.9 AND params.lr = '0.1'",
      "params.optimizer = 'adam' OR params.optimizer = 'sgd'",
      "NOT tags.team = 'nlp'",
      "metrics.acc > 0.9 AND (params.optimizer = 'sgd' OR metrics.loss < 0.1)",
    ],
  },
];

interface Props {
  onExample: (filter: string) => void;
  onClose: () => void;
}

export function FilterSyntaxHelp({ onExample, onClose }: Props) {
  return (
    <div
      className="picker-panel syntax-help"
      role="dialog"
      aria-label="Filter syntax"
      onKeyDown={(e) => {
        if (e.key === "Escape") onClose();
      }}
    >
      <div className="syntax-head">
        <strong>Filter syntax</strong>
        <button type="button" className="link" onClick={onClose}>
          Close
        </button>
      </div>
      <p className="muted">Type a prefix such as metrics. for the keys of this experiment; click an example to use it.</p>
      {SECTIONS.map((section) => (
        <section key={section.title}>
          <h4>{section.title}</h4>
          <p className="muted">{section.note}</p>
          {section.examples.map((example) => (
            <button key={example} type="button" className="example mono" onClick={() => onExample(example)}>
              {example}
            </button>
          ))}
        </section>
      ))}
    </div>
  );
}
