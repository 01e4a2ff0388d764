// A separate process that logs one run, for the concurrency and signal tests.
//   node --require tsx/cjs log-child.ts <tracking uri> <experiment> <run name> <points> [mode]
// mode "plain": log and end; "signal": log forever inside withRun, printing
// "ready <points logged>" once, until SIGINT/SIGTERM ends the run as KILLED;
// "noend": log and return without ending the run.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { createTracker, withRun } from '../src';

async function main() {
  const [uri, experiment, runName, pointsArg, mode = 'plain'] = process.argv.slice(2);
  const points = Number(pointsArg);
  const tracker = createTracker(uri, { flushIntervalMs: 50 });
  if (mode === 'signal') {
    await withRun(tracker, { experiment, runName, params: { pid: process.pid } }, async (run) => {
      for (let step = 0; ; step++) {
        run.logMetric('loss', 1 / (step + 1), step);
        if (step === points) {
          await run.flush();
          process.stdout.write(`ready ${step + 1}\n`);
        }
        if (step % 10 === 0) await new Promise((r) => setTimeout(r, 1));
      }
    });
    return;
  }
  if (mode === 'noend') {
    // Logs and returns without end(): the exit hook still sends the buffer.
    const run = await tracker.startRun({ experiment, runName });
    for (let step = 0; step < points; step++) run.logMetric('loss', step, step);
    process.stdout.write(`${run.runId}\n`);
    return;
  }
  const run = await tracker.startRun({ experiment, runName, params: { pid: process.pid, points } });
  for (let step = 0; step < points; step++) {
    run.logMetrics({ loss: 1 / (step + 1), acc: step / points }, step);
    if (step % 100 === 0) await new Promise((r) => setImmediate(r));
  }
  const f = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'kdlab-child-')), `${runName}.txt`);
  fs.writeFileSync(f, runName);
  await run.logArtifact(f, 'notes');
  const s = await run.end();
  process.stdout.write(JSON.stringify(s) + '\n');
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).stack}\n`);
  process.exit(1);
});
