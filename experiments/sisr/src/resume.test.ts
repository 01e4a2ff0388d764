// Crash/resume: a run killed mid-way (a real SIGKILL, then a SIGTERM) and
// resumed ends with exactly the weights of an uninterrupted run of the same
// seed, in the same tracking run, through the `kdlab run` command.
import * as fs from 'fs';
import * as path from 'path';
import { readWeightsDir, readRunState } from '@kdlab/runner';
import { createTracker } from '@kdlab/tracking';
import { kdlab, microConfig, tempDir, waitFor } from './testing/micro';

const dir = tempDir('resume');
const config = microConfig(dir);
const cacheDir = path.join(dir, 'cache');
const store = path.join(dir, 'mlruns');
const common = ['--cache-dir', cacheDir, '--tracking-uri', store];
const runDir = (root: string) => path.join(dir, root, 'micro', 'fd');
const finalWeights = (root: string) => readWeightsDir(path.join(runDir(root), 'final')).groups.model;
const checkpointSteps = (root: string) => {
  const d = path.join(runDir(root), 'checkpoints');
  return fs.existsSync(d) ? fs.readdirSync(d).filter((f) => /^step-\d+$/.test(f)).map((f) => Number(f.slice(5))) : [];
};

describe('kdlab run: kill and resume', () => {
  it('a SIGKILLed, then SIGTERMed, then resumed run ends bit-identical to an uninterrupted one', async () => {
    // Uninterrupted (this also trains and caches the micro teacher).
    const straight = await kdlab(['run', config, '--runs-dir', path.join(dir, 'a'), ...common]).done;
    expect(straight.stderr).not.toMatch(/Error/);
    expect(straight.code).toBe(0);

    // Killed for real once a checkpoint exists; steps are slowed so the kill lands mid-run.
    const slow = { KDLAB_STEP_DELAY_MS: '150' };
    const first = kdlab(['run', config, '--runs-dir', path.join(dir, 'b'), ...common], slow);
    await waitFor(() => checkpointSteps('b').length > 0, 60000, 'a first checkpoint');
    first.child.kill('SIGKILL');
    const killed = await first.done;
    expect(killed.signal).toBe('SIGKILL');
    expect(fs.existsSync(path.join(runDir('b'), 'final'))).toBe(false);
    const runId = readRunState(runDir('b'))!.runId;

    // Resumed, then stopped gracefully: checkpoint at the current step, run KILLED, exit 143.
    const second = kdlab(['run', config, '--resume', '--runs-dir', path.join(dir, 'b'), ...common], slow);
    await waitFor(() => Math.max(...checkpointSteps('b')) >= 10, 60000, 'a checkpoint at step 10');
    second.child.kill('SIGTERM');
    const stopped = await second.done;
    expect(stopped.stderr).toMatch(/resumed from .*step-0000000[5-9]/);
    expect(stopped.code).toBe(143);
    expect(stopped.stderr).toMatch(/SIGTERM at step \d+: checkpoint saved/);
    const statusOf = async (id: string) => (await createTracker(store).searchRuns({ experiment: 'micro' })).find((r) => r.runId === id)?.status;
    expect(await statusOf(runId)).toBe('KILLED');

    // Resumed to the end.
    const last = await kdlab(['run', config, '--resume', '--runs-dir', path.join(dir, 'b'), ...common]).done;
    expect(last.code).toBe(0);
    expect(readRunState(runDir('b'))!.runId).toBe(runId);
    expect(await statusOf(runId)).toBe('FINISHED');

    const a = finalWeights('a');
    const b = finalWeights('b');
    expect(b.map((t) => t.shape)).toEqual(a.map((t) => t.shape));
    a.forEach((t, i) => expect(Buffer.from(b[i].data.buffer).equals(Buffer.from(t.data.buffer))).toBe(true));
  }, 240000);
});
