import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ConfigError } from './errors';
import { loadRawConfig, loadRunConfig } from './load';
import { mergeConfigs, setAtPath } from './merge';
import { canonicalJson } from './hash';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kdlab-config-'));
const write = (name: string, text: string) => {
  const f = path.join(dir, name);
  fs.mkdirSync(path.dirname(f), { recursive: true });
  fs.writeFileSync(f, text);
  return f;
};

const base = write(
  'base.yaml',
  `experiment: demo
task: sr
seed: 0
data: { scale: 4 }
teacher:
  model: { arch: edsr, blocks: 2 }
  checkpoint: weights/teacher
student:
  model: { arch: edsr, blocks: 1 }
kd:
  terms:
    - { name: task, loss: { kind: l1 }, weight: 1, student: output, teacher: target }
    - { name: fd, loss: { kind: l1 }, weight: 0.5, student: body, teacher: body, adapter: { kind: conv1x1 } }
optim:
  optimizer: { kind: adam, lr: 0.001 }
  schedule: { kind: multistep, milestones: [10], gamma: 0.5 }
train: { steps: 20 }
`,
);

function issuesOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err.issues;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('config loading', () => {
  it('loads a valid config and fills defaults', () => {
    const c = loadRunConfig([base]);
    expect(c.kd!.terms[1].weight).toBe(0.5);
    expect(c.optim!.optimizer).toMatchObject({ kind: 'adam', beta1: 0.9, epsilon: 1e-8 });
    expect(c.train).toMatchObject({ steps: 20, logEvery: 10, keepCheckpoints: 2 });
    expect(c.tracking).toEqual({});
  });

  it('names the field of a wrong type, with its array index', () => {
    const issues = issuesOf(() => loadRunConfig([base], { sets: ['kd.terms[1].weight=heavy'] }));
    expect(issues).toEqual(['config.kd.terms[1].weight: Expected number, received string']);
  });

  it('names unknown fields (typos) and missing ones', () => {
    const f = write('typo.yaml', `experiment: x\ntask: sr\ndata: {}\nstudent: { baseline: bicubic }\ntrain: { stpes: 5 }\n`);
    const issues = issuesOf(() => loadRunConfig([f]));
    expect(issues).toContain('config.seed: Required');
    expect(issues).toContain('config.train.steps: Required');
    expect(issues).toContain('config.train: unknown field(s) "stpes"');
  });

  it('names an unknown optimizer kind', () => {
    const issues = issuesOf(() => loadRunConfig([base], { sets: ['optim.optimizer.kind=adamw'] }));
    expect(issues[0]).toMatch(/^config\.optim\.optimizer\.kind: Invalid discriminator value/);
  });

  it('requires exactly one of teacher.checkpoint and teacher.train', () => {
    const f = write('both.yaml', `extends: base.yaml\nteacher: { checkpoint: null }\n`);
    expect(issuesOf(() => loadRunConfig([f]))[0]).toMatch(/^config\.teacher: give exactly one of/);
  });

  it('requires a teacher when a term reads one', () => {
    const f = write('noteacher.yaml', `extends: base.yaml\nteacher: null\n`);
    expect(issuesOf(() => loadRunConfig([f]))).toContain('config.teacher: required: a kd term or the baseline reads the teacher');
  });

  it('rejects duplicate term names', () => {
    const issues = issuesOf(() => loadRunConfig([base], { sets: ['kd.terms[1].name=task'] }));
    expect(issues).toContain('config.kd.terms[1].name: duplicate term name "task"');
  });

  it('reports YAML syntax errors and missing files by file name', () => {
    const bad = write('bad.yaml', 'experiment: [unclosed\n');
    expect(() => loadRunConfig([bad])).toThrow(`${bad}: invalid config\n  not valid YAML`);
    expect(() => loadRunConfig([path.join(dir, 'missing.yaml')])).toThrow(/missing\.yaml: invalid config\n {2}cannot read/);
  });

  it('detects extends cycles', () => {
    write('a.yaml', 'extends: b.yaml\n');
    write('b.yaml', 'extends: a.yaml\n');
    expect(() => loadRawConfig([path.join(dir, 'a.yaml')])).toThrow(/extends cycle/);
  });

  it('layers extends chains and several files, later wins, null deletes', () => {
    const profile = write('profiles/quick.yaml', `extends: ../base.yaml\ntrain: { steps: 7 }\ndata: { lrPatch: 24 }\n`);
    const method = write('methods/plain.yaml', `method: plain\nteacher: null\nkd:\n  terms:\n    - { name: task, loss: { kind: l1 }, weight: 1, student: output, teacher: target }\n`);
    const c = loadRunConfig([profile, method], { overrides: { seed: 3 } });
    expect(c.train!.steps).toBe(7);
    expect(c.data).toEqual({ scale: 4, lrPatch: 24 });
    expect(c.teacher).toBeUndefined();
    expect(c.kd!.terms).toHaveLength(1);
    expect(c.seed).toBe(3);
  });

  it('parses --set values as YAML', () => {
    expect(setAtPath({ a: { b: 1 } }, 'a.c[1]', 5)).toEqual({ a: { b: 1, c: [undefined, 5] } });
    expect(loadRunConfig([base], { sets: ['train.steps=3', 'optim.schedule={kind: cosine}'] }).optim!.schedule).toEqual({ kind: 'cosine', minLr: 0, warmup: 0 });
    expect(() => loadRunConfig([base], { sets: ['train.steps'] })).toThrow(/expected key=value/);
  });

  it('merges objects deeply and replaces arrays', () => {
    expect(mergeConfigs({ a: { x: 1, y: [1, 2] } }, { a: { y: [3] } })).toEqual({ a: { x: 1, y: [3] } });
  });

  it('hashes configs independently of key order', () => {
    expect(canonicalJson({ b: 1, a: { d: 2, c: 3 } })).toBe(canonicalJson({ a: { c: 3, d: 2 }, b: 1 }));
  });
});
