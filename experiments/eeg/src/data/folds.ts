// Within-subject, cross-run folds: the three sessions of imagery runs rotate through the roles.
// Fold f tests on session f, validates on session (f + 1) mod 3 and trains on the remaining
// session. With classes 'lr' or 'ff' a session is one run (train on one run, validate on one,
// test on a held-out run); with 'four' it is one run of each kind (R04+R06, R08+R10, R12+R14).
import { sessionRuns, type ClassSet } from './eegmmidb';

export interface Fold {
  fold: number;
  train: number[];
  val: number[];
  test: number[];
}

export const FOLDS = 3;

export function crossRunFold(classes: ClassSet, fold: number): Fold {
  if (!Number.isInteger(fold) || fold < 0 || fold >= FOLDS) throw new Error(`config.data.fold: ${fold} is not a fold (0..${FOLDS - 1})`);
  const test = fold;
  const val = (fold + 1) % FOLDS;
  const train = [0, 1, 2].filter((s) => s !== test && s !== val);
  return { fold, train: train.flatMap((s) => sessionRuns(classes, s)), val: sessionRuns(classes, val), test: sessionRuns(classes, test) };
}

/** One line for tables and tags, e.g. 'train R08+R10, validate R12+R14, test R04+R06'. */
export function describeFold(f: Fold): string {
  const runs = (r: number[]) => r.map((k) => `R${String(k).padStart(2, '0')}`).join('+');
  return `train ${runs(f.train)}, validate ${runs(f.val)}, test ${runs(f.test)}`;
}
