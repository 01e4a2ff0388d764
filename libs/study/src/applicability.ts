// Whether a generic loss applies to a domain, and the objective term it becomes there. A loss that does
// not apply is never dropped silently: the reason goes into the report's table and CSV.
import type { TermConfig } from '@kdlab/runner';
import type { StudyDomain, StudyLoss } from './definition';

export type Applicability = { term: TermConfig; form: string } | { reason: string };

const SHAPES = { nhwc: 'an NHWC map [N, H, W, C]', sequence: 'a sequence [N, T, C]', vector: 'a vector [N, D]' } as const;

/** The distillation term of `loss` on `domain` (weight 1 before the study's weight rule), or why there is none. */
export function applicability(loss: StudyLoss, domain: StudyDomain): Applicability {
  if (domain.skip) return { reason: `domain left out: ${domain.skip}` };
  const explicit = domain.skipLosses[loss.id];
  if (explicit) return { reason: explicit };
  if (loss.requires === 'output') {
    const out = domain.output!;
    if ('skip' in out) return { reason: `${loss.label} needs an output form the domain admits: ${out.skip}` };
    return { term: { name: 'kd', loss: out.loss, weight: 1, student: 'output', teacher: 'output' }, form: out.form };
  }
  const feature = domain.feature!;
  if ('skip' in feature) return { reason: `${loss.label} needs a feature both models compute: ${feature.skip}` };
  if (loss.requires === 'spatial-feature' && feature.layout !== 'nhwc') {
    return { reason: `${loss.label} relates the H×W positions of a feature map; the feature tap '${feature.student}' of ${domain.label} is ${SHAPES[feature.layout]}` };
  }
  const { why, ...options } = domain.lossOptions[loss.id] ?? { why: '' };
  const term: TermConfig = { name: loss.id, loss: { ...loss.loss!, ...options }, weight: 1, student: feature.student, teacher: feature.teacher };
  if (loss.adapter) term.adapter = { kind: loss.adapter.kind };
  const tap = feature.student === feature.teacher ? feature.student : `${feature.student} -> ${feature.teacher}`;
  const extra = why ? ` with ${JSON.stringify(options)}: ${why}` : '';
  return { term, form: `${loss.loss!.kind} on ${tap}${loss.adapter ? ` (${loss.adapter.kind} adapter)` : ''}${extra}` };
}
