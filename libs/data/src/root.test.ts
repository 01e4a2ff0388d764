import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { dataPath, dataRoot, repoRoot } from './root';

describe('data root', () => {
  it('finds the repository root', () => {
    expect(fs.existsSync(path.join(repoRoot(), 'nx.json'))).toBe(true);
  });

  it('honours KDLAB_DATA_ROOT', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kdlab-root-'));
    expect(dataRoot({ KDLAB_DATA_ROOT: dir })).toBe(dir);
  });

  it('names a missing KDLAB_DATA_ROOT', () => {
    expect(() => dataRoot({ KDLAB_DATA_ROOT: '/nonexistent/kdlab' })).toThrow('KDLAB_DATA_ROOT=/nonexistent/kdlab');
  });

  it('defaults to ../shared/datasets and names a missing file', () => {
    expect(dataRoot({})).toBe(path.resolve(repoRoot(), '..', 'shared', 'datasets'));
    expect(() => dataPath('sr/Set5/nothing.png', {})).toThrow(/nothing\.png: not found/);
  });
});
