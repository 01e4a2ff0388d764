// The cross-task study as the report sees it: per domain its metric, per loss its source level, the
// finished runs (observations) of every cell, and the cells that were skipped (with their reason) or
// have not finished. Built by @kdlab/study from the study definition and the tracking store.
import type { ReportRun } from '../run';

export type SourceLevel = 'official-code' | 'paper' | 'abstract-only';

export interface CrossTaskDomain {
  id: string;
  label: string;
  metric: { key: string; label: string; direction: 'higher' | 'lower' };
}

export interface CrossTaskLoss {
  id: string;
  label: string;
  sourceLevel: SourceLevel;
  reference: string;
}

/** One finished run: the student alone (loss null) or student + loss, one seed. */
export interface CrossTaskObservation {
  domain: string;
  loss: string | null;
  seed: number;
  value: number;
  /** How the loss was applied there (term, taps, adapter). */
  form: string;
  run: ReportRun;
}

export interface CrossTaskSkip {
  domain: string;
  loss: string;
  reason: string;
}

/** A planned run that has not finished (yet): the cell shows n below its plan. */
export interface CrossTaskPending {
  domain: string;
  loss: string | null;
  seed: number;
}

export interface CrossTaskInput {
  title: string;
  description?: string;
  /** The one weight rule, in words (stated in the report). */
  weightRule: string;
  /** |change| / student's seed std at or above this counts as help or harm in the summary. */
  noiseThreshold: number;
  profile: string;
  domains: CrossTaskDomain[];
  losses: CrossTaskLoss[];
  observations: CrossTaskObservation[];
  skips: CrossTaskSkip[];
  pending: CrossTaskPending[];
  /** The command that produced the report (provenance). */
  command: string;
  serverUrl?: string;
}
