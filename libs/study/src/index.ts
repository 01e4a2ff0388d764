// @kdlab/study: cross-task studies (issue 21). A study definition (experiments/studies/<name>.yaml)
// names generic distillation losses, one weight rule and per domain its quick teacher-student pair, tap
// points and metric; `planStudy` expands it into runs (and skipped cells with their reasons),
// `executeStudy` runs those tracking does not hold FINISHED (sweep queue when REDIS_URL is set, else
// locally), `runStudy` does both and writes the report with @kdlab/reports' buildCrossTaskReport.
export { loadStudy, parseStudy, studySchema, type StudyDefinition, type StudyDomain, type StudyLoss, type StudyProfile } from './definition';
export { applicability, type Applicability } from './applicability';
export { planStudy, type StudyPlan, type StudyCell, type SkippedCell } from './plan';
export { finishedRuns } from './finished';
export { executeStudy, type ExecuteOptions, type ExecuteResult } from './execute';
export { studyReportInput, weightRuleText } from './report';
export { runStudy, type RunStudyOptions, type RunStudyResult } from './study';
