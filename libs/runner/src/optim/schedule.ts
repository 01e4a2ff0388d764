import type { ScheduleConfig } from '../config/schema';

/** Learning rate at `step` (0-based) of `total` steps. */
export function learningRate(base: number, schedule: ScheduleConfig, step: number, total: number): number {
  switch (schedule.kind) {
    case 'constant':
      return base;
    case 'multistep':
      return base * schedule.gamma ** schedule.milestones.filter((m) => step >= m).length;
    case 'cosine': {
      if (step < schedule.warmup) return (base * (step + 1)) / schedule.warmup;
      const span = Math.max(1, total - schedule.warmup);
      const t = Math.min(1, (step - schedule.warmup) / span);
      return schedule.minLr + 0.5 * (base - schedule.minLr) * (1 + Math.cos(Math.PI * t));
    }
  }
}
