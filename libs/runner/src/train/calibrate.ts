// Measures the cross-task weight rule's inputs (libs/kd/src/calibrate.ts) on the first training batch:
// every term's raw value with the freshly initialised student (training mode, as the first step sees
// it) and the frozen teacher, then returns the terms with their calibrated weights. Nothing it touches
// changes the run: the stream and its RNG are rewound (the first step trains on the same batch), the
// student's weights (BatchNorm statistics included) are restored, and the temporary objective's
// adapters are built from the same seed as the run's own. A resumed run recomputes the same weights,
// since it measures before the checkpoint is restored.
import { tf } from '@kdlab/engine';
import type { Rng, Tensor } from '@kdlab/engine';
import { calibratedWeights, DistillationObjective, TARGET, type Calibration, type TapChannels } from '@kdlab/kd';
import type { CalibrateConfig, TermConfig } from '../config/schema';
import type { BatchStream } from '../task';
import type { Tapped } from './loop';

export interface CalibrationParts {
  terms: TermConfig[];
  calibrate: CalibrateConfig;
  channels: TapChannels;
  adapterSeed: number;
  student: Tapped;
  teacher?: Tapped;
  stream: BatchStream;
  dataRng: Rng;
}

const copy = <T>(state: T): T => (state === undefined ? state : (JSON.parse(JSON.stringify(state)) as T));

function firstBatchValues(p: CalibrationParts): Record<string, number> {
  const streamState = copy(p.stream.getState());
  const rngState = p.dataRng.getState();
  const saved = p.student.model.getWeights().map((w) => w.clone());
  const objective = new DistillationObjective(p.terms, p.channels, p.adapterSeed);
  const { input, target, teacherInput } = p.stream.next();
  try {
    return tf.tidy(() => {
      const teacherTaps = p.teacher && objective.needsTeacher ? p.teacher.forward(teacherInput ?? input, false) : null;
      const teacherAt = p.teacher ? (x: Tensor) => p.teacher!.forward(x, false) : undefined;
      const out = objective.compute(p.student.forward(input, true), teacherTaps, target, { input, teacherAt });
      return Object.fromEntries(Object.entries(out.terms).map(([k, v]) => [k, v.dataSync()[0]]));
    });
  } finally {
    tf.dispose([input, target, ...(teacherInput ? [teacherInput] : [])]);
    objective.dispose();
    p.student.model.setWeights(saved);
    tf.dispose(saved);
    p.stream.setState(streamState);
    p.dataRng.setState(rngState);
  }
}

/** The terms with the rule's weights, and the measured calibration (logged by the runner). */
export function calibrateTerms(p: CalibrationParts): { terms: TermConfig[]; calibration: Calibration; raw: Record<string, number> } {
  const taskTerms = p.terms.filter((t) => t.teacher === TARGET).map((t) => t.name);
  const calibrated = p.calibrate.terms ?? p.terms.filter((t) => t.teacher !== TARGET).map((t) => t.name);
  const raw = firstBatchValues(p);
  const calibration = calibratedWeights({ raw, weights: Object.fromEntries(p.terms.map((t) => [t.name, t.weight])), taskTerms, calibrated, fraction: p.calibrate.fraction });
  const terms = p.terms.map((t) => (t.name in calibration.weights ? { ...t, weight: calibration.weights[t.name] } : t));
  return { terms, calibration, raw };
}
