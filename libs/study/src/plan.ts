// A study expanded into cells: per chosen domain the student alone and every applicable loss, each over
// the profile's seeds, as run configs (files + `--set` overrides, the form a sweep job holds), each
// resolved here so its config hash (the key that makes the study resumable) is known before anything runs.
import * as path from 'path';
import { repoRoot } from '@kdlab/data';
import { TARGET } from '@kdlab/kd';
import { resolveRun, type TermConfig } from '@kdlab/runner';
import { applicability } from './applicability';
import type { StudyDefinition, StudyDomain, StudyLoss } from './definition';

export interface StudyCell {
  domain: string;
  /** The loss id; null for the student alone. */
  loss: string | null;
  seed: number;
  /** Config files relative to the repository, merged left to right. */
  files: string[];
  sets: string[];
  overrides: { seed: number; name: string; experiment: string; method: string };
  /** The resolved config's sha256 (the run's kdlab.config_hash tag). */
  hash: string;
  /** How the loss was applied on this domain (term and taps), for the report. */
  form: string;
}

export interface SkippedCell {
  domain: string;
  loss: string;
  reason: string;
}

export interface StudyPlan {
  study: StudyDefinition;
  profile: string;
  experiment: string;
  domains: StudyDomain[];
  cells: StudyCell[];
  skips: SkippedCell[];
}

const abs = (f: string) => path.resolve(repoRoot(), f);
const json = (v: unknown) => JSON.stringify(v);

function pickDomains(study: StudyDefinition, only?: string[]): StudyDomain[] {
  if (!only || only.length === 0) return study.domains;
  return only.map((id) => {
    const d = study.domains.find((x) => x.id === id);
    if (!d) throw new Error(`--domains: no domain ${JSON.stringify(id)} in study ${study.name} (domains: ${study.domains.map((x) => x.id).join(', ')})`);
    return d;
  });
}

function cellOf(domain: StudyDomain, loss: StudyLoss | null, seed: number, files: string[], sets: string[], name: string, experiment: string, method: string, form: string): StudyCell {
  const overrides = { seed, name, experiment, method };
  const run = resolveRun(files.map(abs), { sets, overrides });
  return { domain: domain.id, loss: loss?.id ?? null, seed, files, sets, overrides, hash: run.hash, form };
}

/** The study's cells for `profile` (e.g. quick) over the chosen domains; losses that do not apply become skips. */
export function planStudy(study: StudyDefinition, opts: { profile: string; domains?: string[] }): StudyPlan {
  const experiment = study.experiment ?? study.name;
  const domains = pickDomains(study, opts.domains);
  const cells: StudyCell[] = [];
  const skips: SkippedCell[] = [];
  for (const domain of domains) {
    if (domain.skip) {
      for (const loss of study.losses) skips.push({ domain: domain.id, loss: loss.id, reason: `domain left out: ${domain.skip}` });
      continue;
    }
    const profile = domain.profiles[opts.profile];
    if (!profile) throw new Error(`study ${study.name}: domain ${domain.id} has no profile ${JSON.stringify(opts.profile)} (profiles: ${Object.keys(domain.profiles).join(', ')})`);
    const stem = `${opts.profile}-${domain.id}`;
    const baselineFiles = [...profile.configs, domain.student!];
    const base = profile.seeds.map((seed) => cellOf(domain, null, seed, baselineFiles, profile.set, `${stem}-student-s${seed}`, experiment, 'student', 'task loss only'));
    cells.push(...base);
    // Every cell trains on the student-alone row's task terms (the domain's own task loss).
    const student = resolveRun(baselineFiles.map(abs), { sets: profile.set, overrides: base[0].overrides });
    const taskTerms: TermConfig[] = (student.config.kd?.terms ?? []).filter((t) => t.teacher === TARGET);
    if (taskTerms.length === 0) throw new Error(`study ${study.name}: ${domain.student} (domain ${domain.id}) has no task term (teacher: target)`);
    for (const loss of study.losses) {
      const a = applicability(loss, domain);
      if ('reason' in a) {
        skips.push({ domain: domain.id, loss: loss.id, reason: a.reason });
        continue;
      }
      const sets = [
        ...profile.set,
        `kd.terms=${json([...taskTerms, a.term])}`,
        `kd.calibrate=${json({ fraction: study.weights.fraction, terms: [a.term.name] })}`,
        `source=${json(loss.source)}`,
        `tags=${json({ ...student.config.tags, 'kdlab.baseline': 'false' })}`,
      ];
      for (const seed of profile.seeds) cells.push(cellOf(domain, loss, seed, profile.configs, sets, `${stem}-${loss.id}-s${seed}`, experiment, `student + ${loss.label}`, a.form));
    }
  }
  return { study, profile: opts.profile, experiment, domains, cells, skips };
}
