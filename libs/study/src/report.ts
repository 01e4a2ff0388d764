// From the plan and what tracking holds to the report's input: every FINISHED run of a planned cell
// (matched by config hash) becomes an observation of the domain's metric; planned cells without one are
// pending; skipped cells keep their reasons.
import type { CrossTaskInput, CrossTaskObservation } from '@kdlab/reports';
import type { Tracker } from '@kdlab/tracking';
import { finishedRuns } from './finished';
import type { StudyPlan } from './plan';

export function weightRuleText(plan: StudyPlan): string {
  const f = plan.study.weights.fraction;
  return `One rule for every domain and loss (kd.calibrate, libs/kd/src/calibrate.ts): before the first step, the distillation term's weight is set to ${f} × (the weighted task loss) / (the term's raw value), both measured on the first training batch with the freshly initialised student and the frozen teacher, so that every distillation term starts at ${f} of the task loss. Training data only; nothing is tuned on any domain's validation or test data. The task terms keep the weights of the domain's own student-alone config.`;
}

/** The study's description, and which of its domains this report covers when --domains chose some. */
function coverage(plan: StudyPlan): string | undefined {
  const left = plan.study.domains.filter((d) => !plan.domains.includes(d));
  if (left.length === 0) return plan.study.description;
  const note = `This report covers only ${plan.domains.map((d) => d.label).join(', ')} (chosen with --domains); the study also defines ${left.map((d) => d.label).join(', ')}, not run here.`;
  return plan.study.description ? `${plan.study.description} ${note}` : note;
}

export async function studyReportInput(plan: StudyPlan, tracker: Tracker, command: string): Promise<CrossTaskInput> {
  const done = await finishedRuns(tracker, plan.experiment);
  const observations: CrossTaskObservation[] = [];
  const pending: CrossTaskInput['pending'] = [];
  for (const cell of plan.cells) {
    const run = done.get(cell.hash);
    const domain = plan.domains.find((d) => d.id === cell.domain)!;
    const value = run?.metrics[domain.metric!.key];
    if (!run) {
      pending.push({ domain: cell.domain, loss: cell.loss, seed: cell.seed });
      continue;
    }
    if (value === undefined) throw new Error(`run ${run.runId} (${cell.overrides.name}) has no metric ${domain.metric!.key}; metrics: ${Object.keys(run.metrics).filter((k) => k.startsWith('eval/')).join(', ')} (check domains[${domain.id}].metric.key)`);
    observations.push({ domain: cell.domain, loss: cell.loss, seed: cell.seed, value, form: cell.form, run });
  }
  const uri = tracker.uri;
  return {
    title: plan.study.title,
    description: coverage(plan),
    weightRule: weightRuleText(plan),
    noiseThreshold: plan.study.noiseThreshold,
    profile: plan.profile,
    // A domain left out as a whole stays a column: its cells say why.
    domains: plan.domains.map((d) => ({ id: d.id, label: d.label, metric: d.metric ?? { key: '', label: 'not run', direction: 'higher' as const } })),
    losses: plan.study.losses.map((l) => ({ id: l.id, label: l.label, sourceLevel: l.source.level, reference: l.source.reference })),
    observations,
    skips: plan.skips,
    pending,
    command,
    serverUrl: /^https?:\/\//.test(uri) ? uri : undefined,
  };
}
