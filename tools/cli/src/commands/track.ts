// `kdlab track eval --gt FILE --pred FILE [--json]`: the OTB success AUC and precision@20 of one
// sequence's predicted boxes (visual object tracking; see experiments/tracking).
import type { Command } from 'commander';

interface TrackEvalOptions { gt: string; pred: string; json?: boolean }

export function register(program: Command): void {
  const track = program.command('track').description('visual object tracking (Siamese trackers, OTB protocol)');
  track
    .command('eval')
    .description('OTB success AUC (IoU thresholds 0, 0.05, ..., 1) and precision at 20 px of one sequence, as the got10k toolkit computes them (first frame = ground truth)')
    .requiredOption('--gt <file>', 'ground truth: one box x,y,w,h per frame (1-based, comma or whitespace separated), or VOT 8-value polygons')
    .requiredOption('--pred <file>', 'predictions: one box x,y,w,h per frame, the first frame included')
    .option('--json', 'print exactly one JSON object {"frames","successAuc","precision20"}')
    .action(async (opts: TrackEvalOptions) => {
      const { readBoxes, otbScores } = await import('@kdlab/visual-tracking/src/otb');
      const s = otbScores(readBoxes(opts.gt), readBoxes(opts.pred));
      if (opts.json) {
        console.log(JSON.stringify({ frames: s.frames, successAuc: s.successAuc, precision20: s.precision20 }));
        return;
      }
      console.log(`frames       ${s.frames}`);
      console.log(`success AUC  ${s.successAuc.toFixed(4)}  (mean over IoU thresholds 0:0.05:1)`);
      console.log(`precision@20 ${s.precision20.toFixed(4)}  (centre error <= 20 px)`);
    });
}
