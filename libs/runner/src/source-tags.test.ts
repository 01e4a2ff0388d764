// A method config's `source` is validated by the config schema and lands in the tracking store as
// kdlab.source_* tags (not as params), with over-long values cut to MLflow's tag limit.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { createTracker } from '@kdlab/tracking';
import { ConfigError } from './config/errors';
import { resolveConfig } from './config/resolve';
import { registerTask } from './registry';
import { executeRun } from './run';
import { sourceTags, TAG_VALUE_LIMIT } from './source-tags';
import { toyTask } from './testing/toy-task';

registerTask(toyTask);

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kdlab-source-'));
const store = path.join(tmp, 'mlruns');

const base = {
  experiment: 'toy-source',
  name: 'l1',
  method: 'student',
  task: 'toy',
  seed: 0,
  data: {},
  student: { model: { arch: 'edsr', blocks: 1, channels: 4 } },
  kd: { terms: [{ name: 'task', loss: { kind: 'l1' }, weight: 1, student: 'output', teacher: 'target' }] },
  optim: { optimizer: { kind: 'adam', lr: 0.01 } },
  train: { steps: 2, logEvery: 1, checkpointEvery: 2 },
};

describe('method source', () => {
  it('is logged as kdlab.source_* tags, not as params', async () => {
    const source = { level: 'abstract-only', reference: 'A. Author, A Paper, arXiv:0000.00000: abstract only', deviations: ['our reading of X'] };
    const result = await executeRun(resolveConfig({ ...base, source }, 'test'), { runsDir: path.join(tmp, 'runs'), cacheDir: path.join(tmp, 'cache'), trackingUri: store, log: () => undefined });
    const run = (await createTracker(store).searchRuns({ experiment: 'toy-source' })).find((r) => r.runId === result.runId)!;
    expect(run.tags['kdlab.source_level']).toBe('abstract-only');
    expect(run.tags['kdlab.source_reference']).toBe(source.reference);
    expect(JSON.parse(run.tags['kdlab.source_deviations'])).toEqual(source.deviations);
    expect(Object.keys(run.params).filter((k) => k.startsWith('source'))).toEqual([]);
  }, 120_000);

  it('rejects an unknown level, naming the field', () => {
    expect(() => resolveConfig({ ...base, source: { level: 'reproduced', reference: 'x' } }, 'm.yaml')).toThrow(ConfigError);
    expect(() => resolveConfig({ ...base, source: { level: 'reproduced', reference: 'x' } }, 'm.yaml')).toThrow(/source\.level/);
  });

  it('cuts values longer than the tag limit', () => {
    const tags = sourceTags({ level: 'paper', reference: 'r'.repeat(TAG_VALUE_LIMIT + 50), deviations: [] });
    expect([...tags['kdlab.source_reference']].length).toBe(TAG_VALUE_LIMIT);
    expect(tags['kdlab.source_reference']).toMatch(/\[truncated\]$/);
    expect(sourceTags(undefined)).toEqual({});
  });
});
