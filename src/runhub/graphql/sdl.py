"""The GraphQL schema (type names and camelCase fields as the MLflow UI and users query them)."""

from __future__ import annotations

SDL = """
directive @component(name: String!) on QUERY | MUTATION | FIELD

"An int64 value, serialized as a string."
scalar LongString

enum MlflowViewType { ACTIVE_ONLY DELETED_ONLY ALL }

type MlflowErrorDetail { field: String message: String }
type ApiError {
  code: String
  message: String
  helpUrl: String
  traceId: String
  errorDetails: [MlflowErrorDetail]
}

type MlflowExperimentTag { key: String value: String }
type MlflowExperiment {
  experimentId: String
  name: String
  artifactLocation: String
  lifecycleStage: String
  lastUpdateTime: LongString
  creationTime: LongString
  tags: [MlflowExperimentTag]
}

type MlflowMetric { key: String value: Float timestamp: LongString step: LongString }
type MlflowMetricWithRunId {
  key: String
  value: Float
  timestamp: LongString
  step: LongString
  runId: String
}
type MlflowParam { key: String value: String }
type MlflowRunTag { key: String value: String }
type MlflowRunInfo {
  runId: String
  runUuid: String
  runName: String
  experimentId: String
  userId: String
  status: String
  startTime: LongString
  endTime: LongString
  artifactUri: String
  lifecycleStage: String
}
type MlflowRunData { metrics: [MlflowMetric] params: [MlflowParam] tags: [MlflowRunTag] }
type MlflowInputTag { key: String value: String }
type MlflowDataset {
  name: String
  digest: String
  sourceType: String
  source: String
  schema: String
  profile: String
}
type MlflowDatasetInput { tags: [MlflowInputTag] dataset: MlflowDataset }
type MlflowModelInput { modelId: String }
type MlflowModelOutput { modelId: String step: LongString }
type MlflowRunInputs { datasetInputs: [MlflowDatasetInput] modelInputs: [MlflowModelInput] }
type MlflowRunOutputs { modelOutputs: [MlflowModelOutput] }

type MlflowModelVersionTag { key: String value: String }
type MlflowModelVersion {
  name: String
  version: String
  creationTimestamp: LongString
  lastUpdatedTimestamp: LongString
  userId: String
  currentStage: String
  description: String
  source: String
  runId: String
  status: String
  statusMessage: String
  tags: [MlflowModelVersionTag]
  runLink: String
  aliases: [String]
  modelId: String
}

type MlflowRunExtension {
  info: MlflowRunInfo
  data: MlflowRunData
  inputs: MlflowRunInputs
  outputs: MlflowRunOutputs
  experiment: MlflowExperiment
  modelVersions: [MlflowModelVersion]
}

type MlflowFileInfo { path: String isDir: Boolean fileSize: LongString }

input MlflowGetExperimentInput { experimentId: String }
input MlflowGetRunInput { runId: String runUuid: String }
input MlflowGetMetricHistoryBulkIntervalInput {
  runIds: [String]
  metricKey: String
  startStep: Int
  endStep: Int
  maxResults: Int
}
input MlflowListArtifactsInput { runId: String runUuid: String path: String pageToken: String }
input MlflowSearchModelVersionsInput {
  filter: String
  maxResults: LongString
  orderBy: [String]
  pageToken: String
}
input MlflowSearchRunsInput {
  experimentIds: [String]
  filter: String
  runViewType: MlflowViewType
  maxResults: Int
  orderBy: [String]
  pageToken: String
}

type MlflowGetExperimentResponse { experiment: MlflowExperiment apiError: ApiError }
type MlflowGetRunResponse { run: MlflowRunExtension apiError: ApiError }
type MlflowGetMetricHistoryBulkIntervalResponse {
  metrics: [MlflowMetricWithRunId]
  apiError: ApiError
}
type MlflowListArtifactsResponse {
  rootUri: String
  files: [MlflowFileInfo]
  nextPageToken: String
  apiError: ApiError
}
type MlflowSearchModelVersionsResponse {
  modelVersions: [MlflowModelVersion]
  nextPageToken: String
  apiError: ApiError
}
type MlflowSearchRunsResponse {
  runs: [MlflowRunExtension]
  nextPageToken: String
  apiError: ApiError
}
type Test { output: String }
type TestMutation { output: String }

type Query {
  mlflowGetExperiment(input: MlflowGetExperimentInput): MlflowGetExperimentResponse
  mlflowGetRun(input: MlflowGetRunInput): MlflowGetRunResponse
  mlflowGetMetricHistoryBulkInterval(
    input: MlflowGetMetricHistoryBulkIntervalInput
  ): MlflowGetMetricHistoryBulkIntervalResponse
  mlflowListArtifacts(input: MlflowListArtifactsInput): MlflowListArtifactsResponse
  mlflowSearchModelVersions(
    input: MlflowSearchModelVersionsInput
  ): MlflowSearchModelVersionsResponse
  mlflowSearchRuns(input: MlflowSearchRunsInput): MlflowSearchRunsResponse
  test(inputString: String): Test
}

type Mutation {
  mlflowSearchRuns(input: MlflowSearchRunsInput): MlflowSearchRunsResponse
  testMutation(inputString: String): TestMutation
}
"""
