import { describe, expect, it } from "vitest";
import { translateMlflowHash } from "../src/lib/mlflowLinks";

const RUN = "0f1e2d3c4b5a69788796a5b4c3d2e1f0";
const TRACE = "tr-5d1c0a5e3b2f4d6a8c9e0f1a2b3c4d5e";

// [MLflow UI hash, runhub path] — every form the 3.x client prints or MLflow's UI links to.
const FORMS: [string, string][] = [
  // Printed by the client when a run ends (`View run ... at:`, `View experiment at:`).
  [`#/experiments/1/runs/${RUN}`, `/experiments/1/runs/${RUN}`],
  ["#/experiments/1", "/experiments/1"],
  // The same, with the workspace the client adds outside the default one.
  [`#/experiments/1/runs/${RUN}?workspace=team-a`, `/experiments/1/runs/${RUN}`],
  ["#/experiments/1?workspace=team-a", "/experiments/1"],
  // Printed by genai evaluation; `mlflow demo` prints the overview tab.
  [`#/experiments/4/evaluation-runs?selectedRunUuid=${RUN}`, `/experiments/4/runs/${RUN}`],
  [`#/experiments/4/evaluation-runs/${RUN}`, `/experiments/4/runs/${RUN}`],
  ["#/experiments/4/evaluation-runs", "/experiments/4"],
  ["#/experiments/2/overview", "/experiments/2"],
  ["#/experiments/2/overview/usage", "/experiments/2"],
  // Experiments and their tabs.
  ["#/", "/experiments"],
  ["#/experiments", "/experiments"],
  ["#/experiments/1/runs", "/experiments/1"],
  ["#/experiments/1/judges", "/experiments/1"],
  ["#/experiments/1/datasets", "/experiments/1"],
  ["#/experiments/1/chat-sessions/s-1", "/experiments/1"],
  ["#/experiments/1?searchFilter=metrics.acc%20%3E%200.9", "/experiments/1?filter=metrics.acc+%3E+0.9"],
  ["#/experiments/1?searchFilter=attributes.user_id%20%3D%20'ann'", "/experiments/1?filter=attributes.user_id+%3D+%27ann%27"],
  ["#/experiments/1?lifecycleFilter=Deleted", "/experiments/1?view=DELETED_ONLY"],
  ["#/experiments/1/s?searchFilter=params.lr%3D'0.1'", "/experiments/1?filter=params.lr%3D%270.1%27"],
  ["#/compare-experiments/s?experiments=[%221%22,%222%22]", "/experiments"],
  // Run pages: tabs and artifact paths open the run page.
  [`#/runs/${RUN}`, `/runs/${RUN}`],
  [`#/experiments/1/runs/${RUN}/overview`, `/experiments/1/runs/${RUN}`],
  [`#/experiments/1/runs/${RUN}/model-metrics`, `/experiments/1/runs/${RUN}`],
  [`#/experiments/1/runs/${RUN}/artifacts`, `/experiments/1/runs/${RUN}`],
  [`#/experiments/1/runs/${RUN}/artifacts/model/MLmodel`, `/experiments/1/runs/${RUN}`],
  [`#/experiments/1/runs/${RUN}/artifactPath/model/MLmodel`, `/experiments/1/runs/${RUN}`],
  // Compare and metric pages: the compare page with its chart settings.
  [`#/compare-runs?runs=["${RUN}","abc"]&experiments=["1"]`, `/compare?exp=1&runs=${RUN}%2Cabc`],
  [`#/compare-runs?runs=[%22${RUN}%22,%22abc%22]&experiments=[%221%22]`, `/compare?exp=1&runs=${RUN}%2Cabc`],
  [`#/compare-runs?runs=["${RUN}"]&experiments=["1","2"]`, `/compare?runs=${RUN}`],
  ["#/compare-runs?runs=[]&experiments=[\"3\"]", "/experiments/3"],
  ["#/compare-runs?runs=not-json", "/experiments"],
  [
    `#/metric?runs=["${RUN}"]&metric=%22val_loss%22&experiments=["1"]&plot_metric_keys=%5B%22val_loss%22%5D&plot_layout={}&x_axis=relative&y_axis_scale=log&line_smoothness=1&show_point=false&deselected_curves=[]&last_linear_y_axis_range=[]`,
    `/compare?exp=1&runs=${RUN}&metric=val_loss&x=relative&log=1`,
  ],
  [`#/metric/acc?runs=["${RUN}"]&experiments=["1"]&x_axis=step`, `/compare?exp=1&runs=${RUN}&metric=acc`],
  [`#/metric?runs=["${RUN}"]&experiments=["1"]&plot_metric_keys=["loss"]&x_axis=wall`, `/compare?exp=1&runs=${RUN}&metric=loss&x=wall`],
  // The model registry.
  ["#/models", "/models"],
  ["#/models/fraud-clf", "/models/fraud-clf"],
  ["#/models/my%20model", "/models/my%20model"],
  ["#/models/fraud-clf/versions/3", "/models/fraud-clf/versions/3"],
  ["#/models/fraud-clf/serving", "/models/fraud-clf"],
  ['#/compare-model-versions?name=%22fraud-clf%22&runs={"1":"a","2":"b"}', "/models/fraud-clf"],
  // Logged models: the experiment's list, narrowed to the model.
  ["#/experiments/1/models", "/experiments/1/models"],
  ["#/experiments/1/models/m-0123abcd", "/experiments/1/models?filter=model_id+%3D+%27m-0123abcd%27"],
  ["#/experiments/1/models/m-0123abcd/artifacts", "/experiments/1/models?filter=model_id+%3D+%27m-0123abcd%27"],
  // Traces: the list, or one trace by path or by the query keys MLflow's UI uses.
  ["#/experiments/5/traces", "/experiments/5/traces"],
  [`#/experiments/5/traces/${TRACE}`, `/experiments/5/traces/${TRACE}`],
  [`#/experiments/5/traces?selectedEvaluationId=${TRACE}`, `/experiments/5/traces/${TRACE}`],
  [`#/experiments/5/traces?selectedTraceId=${TRACE}`, `/experiments/5/traces/${TRACE}`],
  [
    `#/experiments/5/traces?selectedEvaluationId=${TRACE}&traceId=${TRACE}&compareRunsMode=TRACES`,
    `/experiments/5/traces/${TRACE}`,
  ],
  [`#/experiments/5?compareRunsMode=TRACES&selectedEvaluationId=${TRACE}`, `/experiments/5/traces/${TRACE}`],
  ["#/experiments/5?compareRunsMode=TRACES", "/experiments/5/traces"],
  ["#/experiments/5?compareRunsMode=CHART", "/experiments/5"],
  // Prompts (MLflow also shows them under an experiment; runhub has one prompts section).
  ["#/prompts", "/prompts"],
  ["#/prompts/summarize", "/prompts/summarize"],
  ["#/prompts/summarize?promptVersion=2", "/prompts/summarize?v=2"],
  ["#/prompts/a%20b", "/prompts/a%20b"],
  ["#/experiments/1/prompts", "/prompts"],
  ["#/experiments/1/prompts/summarize?promptVersion=3", "/prompts/summarize?v=3"],
  // Anything else MLflow's UI has and runhub does not: the experiments list.
  ["#/gateway", "/experiments"],
  ["#/settings/workspaces", "/experiments"],
];

describe("MLflow UI links", () => {
  it.each(FORMS)("%s opens %s", (hash, path) => {
    expect(translateMlflowHash(hash)).toBe(path);
  });

  it("leaves runhub's own URLs alone", () => {
    for (const hash of ["", "#", "#section", "#artifacts"]) expect(translateMlflowHash(hash)).toBeNull();
  });

  it("survives broken escapes", () => {
    expect(translateMlflowHash("#/models/100%")).toBe("/models/100%25");
  });
});
