import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CheckpointStore } from './store';
import { readWeightsDir, writeWeightsDir } from './weights-dir';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'kdlab-ckpt-'));

describe('weights dirs and checkpoints', () => {
  it('round-trips float32 and int32 tensors exactly, with JSON state', () => {
    const dir = path.join(tmp(), 'w');
    const f = new Float32Array([1.5, -0, Math.fround(Math.PI), 3e-39]);
    writeWeightsDir(dir, { groups: { model: [{ name: 'k', shape: [2, 2], dtype: 'float32', data: f }], opt: [{ name: 'it', shape: [], dtype: 'int32', data: new Int32Array([7]) }] }, state: { step: 3 } });
    const back = readWeightsDir(dir);
    expect(Array.from(back.groups.model[0].data)).toEqual(Array.from(f));
    expect(back.groups.model[0].shape).toEqual([2, 2]);
    expect(back.groups.opt[0].data).toBeInstanceOf(Int32Array);
    expect(back.state).toEqual({ step: 3 });
    expect(fs.readdirSync(path.dirname(dir))).toEqual(['w']);
  });

  it('detects a damaged file', () => {
    const dir = path.join(tmp(), 'w');
    writeWeightsDir(dir, { groups: { model: [{ name: 'k', shape: [1], dtype: 'float32', data: new Float32Array([1]) }] }, state: {} });
    fs.writeFileSync(path.join(dir, 'tensors.bin'), Buffer.from([0, 0, 0, 0]));
    expect(() => readWeightsDir(dir)).toThrow(/checksum mismatch/);
  });

  it('keeps the newest checkpoints, ignores (then removes) unfinished temp dirs, and returns the latest', () => {
    const store = new CheckpointStore(tmp(), 2);
    for (const step of [5, 10]) store.save(step, { groups: {}, state: { step } });
    fs.mkdirSync(path.join(store.dir, '.tmp-step-00000020-123'));
    expect(store.steps()).toEqual([5, 10]);
    store.save(15, { groups: {}, state: { step: 15 } });
    expect(fs.readdirSync(store.dir).sort()).toEqual(['step-00000010', 'step-00000015']);
    expect(store.latest()!.content.state).toEqual({ step: 15 });
  });
});
