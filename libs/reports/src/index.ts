// @kdlab/reports: HTML result reports generated from logged runs — paper-style
// tables, vega-lite charts (static SVG + interactive), provenance, CSV.
// The logging convention it reads is in ../README.md and convention.ts.
export { buildReport, aggregationText, type BuildReportOptions, type BuildReportResult } from './build';
export { prepareFigures, type ReportFigure, type ImageFigure } from './figures';
export { buildReportFromStore, loadReportRuns, openSource, type LoadRunsOptions, type RunSource, type BuildFromStoreOptions } from './source';
export { parseSpec, loadSpec, SpecError, ReportSpecSchema, type ReportSpec, type ReportSpecInput, type TableSpec } from './spec';
export type { ReportRun, MetricPoint, PerImageFile, RunStatus } from './run';
export { TAG, PARAM, METRIC, SELECTIONS, parseEvalKey, evalKey, perImageArtifact, perImageId } from './convention';
export { summarize, type Stat } from './model/stats';
export { rankColumn, type Rank } from './model/rank';
export { buildTable, type ResultTable, type TableRow, type Cell } from './model/table';
export { redactUrl, redactText } from './redact';
// Cross-task study reports (issue 21): losses x domains matrix, Kendall's tau heat map, summary, CSV.
export { buildCrossTaskReport, type CrossTaskReportResult } from './cross-task/build';
export { buildMatrix, type CrossTaskMatrix, type MatrixCell, type TauCell, type LossSummary } from './cross-task/matrix';
export { kendallTauB } from './cross-task/kendall';
export type { CrossTaskInput, CrossTaskDomain, CrossTaskLoss, CrossTaskObservation, CrossTaskSkip, CrossTaskPending, SourceLevel } from './cross-task/model';
