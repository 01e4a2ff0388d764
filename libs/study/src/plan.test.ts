// The committed study definition (experiments/studies/cross-task.yaml) expands into runs or skipped
// cells with reasons, never silently: every loss x domain pair is accounted for; a loss that needs
// an NHWC map is skipped on a sequence tap with the reason; a domain left out keeps its reason in
// every cell; every tap the study names exists in the domain's quick models.
import * as path from 'path';
import { buildBackbone } from '@kdlab/backbones';
import { repoRoot } from '@kdlab/data';
import { resolveRun } from '@kdlab/runner';
import { applicability } from './applicability';
import { loadStudy, parseStudy, type StudyDomain } from './definition';
import { planStudy } from './plan';

const study = loadStudy(path.join(repoRoot(), 'experiments/studies/cross-task.yaml'));
const plan = planStudy(study, { profile: 'quick' });

describe('the cross-task study definition', () => {
  it('accounts for every loss on every domain: seeds of runs, or a skip with its reason', () => {
    for (const d of study.domains) {
      for (const l of study.losses) {
        const cells = plan.cells.filter((c) => c.domain === d.id && c.loss === l.id);
        const skips = plan.skips.filter((s) => s.domain === d.id && s.loss === l.id);
        if (skips.length) {
          expect(cells).toHaveLength(0);
          expect(skips).toHaveLength(1);
          expect(skips[0].reason.length).toBeGreaterThan(20);
        } else {
          expect(cells.map((c) => c.seed)).toEqual(d.profiles.quick.seeds);
        }
      }
      if (!d.skip) expect(plan.cells.filter((c) => c.domain === d.id && c.loss === null).map((c) => c.seed)).toEqual(d.profiles.quick.seeds);
    }
    expect(new Set(plan.cells.map((c) => c.hash)).size).toBe(plan.cells.length);
  });

  it('skips FAKD on the speech sequence tap and every loss of a domain left out, saying why', () => {
    const speech = plan.skips.find((s) => s.domain === 'speech' && s.loss === 'fakd');
    expect(speech?.reason).toMatch(/H×W positions.*'bottleneck'.*sequence \[N, T, C\]/);
    const retrieval = plan.skips.filter((s) => s.domain === 'retrieval');
    expect(retrieval.map((s) => s.loss).sort()).toEqual(study.losses.map((l) => l.id).sort());
    for (const s of retrieval) expect(s.reason).toMatch(/^domain left out: .*cross-encoder/);
  });

  it('gives each loss cell the domain task terms, the loss term and the weight rule', () => {
    const cell = plan.cells.find((c) => c.domain === 'classification' && c.loss === 'output-kd' && c.seed === 0)!;
    const run = resolveRun(cell.files.map((f) => path.resolve(repoRoot(), f)), { sets: cell.sets, overrides: cell.overrides });
    expect(run.hash).toBe(cell.hash);
    expect(run.config.kd!.terms.map((t) => [t.name, t.loss.kind, t.student, t.teacher])).toEqual([
      ['ce', 'ce', 'output', 'target'],
      ['kd', 'kd', 'output', 'output'],
    ]);
    expect(run.config.kd!.calibrate).toEqual({ fraction: study.weights.fraction, terms: ['kd'] });
    expect(run.config.teacher).toBeDefined();
    expect(run.config.source?.level).toBe('official-code');
    expect(run.config.tags['kdlab.baseline']).toBe('false');
    const student = plan.cells.find((c) => c.domain === 'classification' && c.loss === null && c.seed === 0)!;
    const base = resolveRun(student.files.map((f) => path.resolve(repoRoot(), f)), { sets: student.sets, overrides: student.overrides });
    expect(base.config.tags['kdlab.baseline']).toBe('true');
    expect(base.config.teacher).toBeUndefined();
  });

  it('names taps that exist in every domain quick student and teacher', () => {
    for (const d of study.domains.filter((x) => !x.skip)) {
      const feature = d.feature!;
      if ('skip' in feature) continue;
      const cell = plan.cells.find((c) => c.domain === d.id && c.loss === 'fitnet')!;
      const run = resolveRun(cell.files.map((f) => path.resolve(repoRoot(), f)), { sets: cell.sets, overrides: cell.overrides });
      const student = buildBackbone((run.config.student as { model: { arch: string } }).model, 0);
      const teacher = buildBackbone(run.config.teacher!.model, 0);
      expect(() => student.getLayer(feature.student)).not.toThrow();
      expect(() => teacher.getLayer(feature.teacher)).not.toThrow();
      student.dispose();
      teacher.dispose();
    }
  });

  it('applies an explicit per-domain skip and an output form the domain refuses, with their reasons', () => {
    const loss = study.losses.find((l) => l.id === 'output-kd')!;
    const domain: StudyDomain = { ...study.domains[0], output: { skip: 'the output is a regression of ...' } };
    expect(applicability(loss, domain)).toEqual({ reason: 'output KD needs an output form the domain admits: the output is a regression of ...' });
    expect(applicability(study.losses[1], { ...study.domains[0], skipLosses: { fitnet: 'no hint layer' } })).toEqual({ reason: 'no hint layer' });
  });

  it('layers a domain\'s loss options onto that loss only, and says why in the form', () => {
    const fakd = study.losses.find((l) => l.id === 'fakd')!;
    const domain: StudyDomain = { ...study.domains[0], lossOptions: { fakd: { why: 'a large map', pool: 4 } } };
    const a = applicability(fakd, domain);
    if ('reason' in a) throw new Error(a.reason);
    expect(a.term.loss).toEqual({ ...fakd.loss, pool: 4 });
    expect(a.form).toMatch(/with \{"pool":4\}: a large map$/);
    const at = applicability(study.losses.find((l) => l.id === 'at')!, domain);
    expect('term' in at && at.term.loss).toEqual(study.losses.find((l) => l.id === 'at')!.loss);
    const raw = { name: 'x', title: 't', weights: { rule: 'first-batch-fraction', fraction: 1 }, losses: [fakd], domains: [{ id: 'd', label: 'D', skip: 'why', lossOptions: { nope: { why: 'w' } } }] };
    expect(() => parseStudy(raw, 'x.yaml')).toThrow(/x\.yaml: domains\.0\.lossOptions\.nope: no loss with id "nope"/);
  });

  it('refuses a definition with a feature loss but no loss spec, naming the field', () => {
    const raw = { name: 'x', title: 't', weights: { rule: 'first-batch-fraction', fraction: 1 }, losses: [{ id: 'a', label: 'A', requires: 'feature', source: { level: 'paper', reference: 'r' } }], domains: [{ id: 'd', label: 'D', skip: 'why' }] };
    expect(() => parseStudy(raw, 'x.yaml')).toThrow(/x\.yaml: losses\.0\.loss: a feature loss names its loss/);
  });
});
