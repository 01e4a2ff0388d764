import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { loadSpec, parseSpec, SpecError } from './spec';

describe('report spec', () => {
  it('an empty spec is complete: defaults follow the logging convention', () => {
    const s = parseSpec({});
    expect(s.rows).toEqual(['tag:kdlab.method', 'param:method', 'run:runName']);
    expect(s.seed).toBe('param:seed');
    expect(s.statuses).toEqual(['FINISHED']);
    expect(s.charts.tradeoff.x).toEqual(['model/params', 'model/flops']);
  });

  it('errors name the field path and the problem', () => {
    expect(() => parseSpec({ charts: { maxCurveRuns: 'many' } }, 'my.yaml')).toThrow(/my\.yaml: invalid report spec\n\s+charts\.maxCurveRuns: Expected number/);
    expect(() => parseSpec({ tables: [{ id: 'bad id!' }] })).toThrow(/tables\.0\.id: letters, digits/);
    expect(() => parseSpec({ seed: 'seed' })).toThrow(/seed: must be 'tag:<name>'/);
    expect(() => parseSpec({ colour: 'red' })).toThrow(SpecError);
  });

  it('loads YAML and JSON files, naming the file on a parse error', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spec-'));
    fs.writeFileSync(path.join(dir, 's.yaml'), 'title: T\nbaseline: student\ntables:\n  - id: x4\n    scales: [4]\n');
    expect(loadSpec(path.join(dir, 's.yaml')).tables![0].scales).toEqual([4]);
    fs.writeFileSync(path.join(dir, 's.json'), '{"title": 3}');
    expect(() => loadSpec(path.join(dir, 's.json'))).toThrow(/s\.json: invalid report spec\n\s+title: Expected string/);
    fs.writeFileSync(path.join(dir, 'b.json'), '{');
    expect(() => loadSpec(path.join(dir, 'b.json'))).toThrow(/b\.json: not valid json/);
  });
});
