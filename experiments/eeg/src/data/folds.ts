// Within-subject, cross-run folds: the three sessions of imagery runs rotate through the roles.
// With validation 'run', fold f tests on session f, validates on session (f + 1) mod 3 and trains on
// the remaining session; with validation 'none' it trains on both other sessions (nothing is
// selected on validation data when the last step is reported, and with ~15 trials per run the
// second training session matters). With classes 'lr' or 'ff' a session is one run; with 'four' it
// is one run of each kind (R04+R06, R08+R10, R12+R14).
import { sessionRuns, type ClassSet } from './eegmmidb';

export interface Fold {
  fold: number;
  train: number[];
  val: number[];
  test: number[];
}

export const FOLDS = 3;

export type ValidationRole = 'run' | 'none';

export function crossRunFold(classes: ClassSet, fold: number, validation: ValidationRole = 'run'): Fold {
  if (!Number.isInteger(fold) || fold < 0 || fold >= FOLDS) throw new Error(`config.data.fold: ${fold} is not a fold (0..${FOLDS - 1})`);
  const test = fold;
  const val = validation === 'run' ? [(fold + 1) % FOLDS] : [];
  const train = [0, 1, 2].filter((s) => s !== test && !val.includes(s));
  return { fold, train: train.flatMap((s) => sessionRuns(classes, s)), val: val.flatMap((s) => sessionRuns(classes, s)), test: sessionRuns(classes, test) };
}

/** One line for tables and tags, e.g. 'train R08+R10, validate R12+R14, test R04+R06'. */
export function describeFold(f: Fold): string {
  const runs = (r: number[]) => r.map((k) => `R${String(k).padStart(2, '0')}`).join('+');
  return `train ${runs(f.train)}, ${f.val.length ? `validate ${runs(f.val)}` : 'no validation run'}, test ${runs(f.test)}`;
}
