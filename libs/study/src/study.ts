// `kdlab study <name>` as a function: load the definition, plan the cells, run what tracking does not
// hold yet (queue or local), then write the report from what tracking holds.
import * as path from 'path';
import { repoRoot } from '@kdlab/data';
import { buildCrossTaskReport, type CrossTaskReportResult } from '@kdlab/reports';
import { createTracker, type Tracker } from '@kdlab/tracking';
import { loadStudy, type StudyDefinition } from './definition';
import { executeStudy, type ExecuteResult } from './execute';
import { planStudy, type StudyPlan } from './plan';
import { studyReportInput } from './report';

export interface RunStudyOptions {
  /** A study definition file, or one already loaded. */
  study: string | StudyDefinition;
  profile: string;
  domains?: string[];
  trackingUri?: string;
  tracker?: Tracker;
  /** Set: through the sweep queue; default REDIS_URL; pass null to force a local run. */
  redisUrl?: string | null;
  runsDir?: string;
  cacheDir?: string;
  /** Default reports/<study name>. */
  outDir?: string;
  /** Only write the report from what tracking holds (run nothing). */
  reportOnly?: boolean;
  command?: string;
  log?: (line: string) => void;
  pollSeconds?: number;
}

export interface RunStudyResult {
  plan: StudyPlan;
  execution?: ExecuteResult;
  report: CrossTaskReportResult;
}

export async function runStudy(opts: RunStudyOptions): Promise<RunStudyResult> {
  const log = opts.log ?? ((l: string) => process.stderr.write(l + '\n'));
  const study = typeof opts.study === 'string' ? loadStudy(opts.study) : opts.study;
  const plan = planStudy(study, { profile: opts.profile, domains: opts.domains });
  const trackingUri = opts.trackingUri ?? process.env.MLFLOW_TRACKING_URI;
  const tracker = opts.tracker ?? createTracker(trackingUri);
  const redisUrl = opts.redisUrl === null ? undefined : (opts.redisUrl ?? process.env.REDIS_URL);
  const execution = opts.reportOnly ? undefined : await executeStudy(plan, { tracker, trackingUri, redisUrl, runsDir: opts.runsDir, cacheDir: opts.cacheDir, log, pollSeconds: opts.pollSeconds });
  const command = opts.command ?? `npx kdlab study ${study.name} --profile ${opts.profile}${opts.domains?.length ? ` --domains ${opts.domains.join(',')}` : ''}`;
  const input = await studyReportInput(plan, tracker, command);
  const report = await buildCrossTaskReport(input, opts.outDir ?? path.join(repoRoot(), 'reports', study.name));
  log(`report: ${report.indexHtml} (${input.observations.length} runs; ${input.pending.length} pending; ${plan.skips.length} cells skipped)`);
  return { plan, execution, report };
}
