// docs/METHODS.md is generated from the registry: the committed file must equal what
// `kdlab methods` generates now (regenerate: npx kdlab methods --skip-broken --write docs/METHODS.md),
// and it shows the source of every loss and row, abstract-only readings marked.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { listLosses } from '@kdlab/kd';
import { METHODS_FILE, methodsMarkdown } from './methods';

const root = path.resolve(__dirname, '../../../..');

describe('docs/METHODS.md', () => {
  let generated: string;
  beforeAll(async () => {
    generated = await methodsMarkdown(root, { skipBroken: true });
  }, 120_000);

  it('is up to date with the registry and the method configs', () => {
    const committed = fs.readFileSync(path.join(root, METHODS_FILE), 'utf8');
    // On failure: npx kdlab methods --skip-broken --write docs/METHODS.md
    expect(committed).toBe(generated);
  });

  it('lists every registered loss with its level, and marks the abstract-only readings', () => {
    for (const kind of listLosses()) expect(generated).toMatch(new RegExp(`^\\| \`${kind}\` \\| `, 'm'));
    for (const kind of ['facd', 'lsfd', 'mimkd']) expect(generated).toMatch(new RegExp(`^\\| \`${kind}\` \\| \\*\\*abstract-only\\*\\* †`, 'm'));
    expect(generated).toMatch(/^\| `clustered-hints` \|[^\n]*\*\*abstract-only\*\* †/m);
    expect(generated).toMatch(/^\| student \+ FAKD \| official-code \|[^\n]*589d35f/m);
    expect(generated).toMatch(/^\| student \+ LSFD \| \*\*abstract-only\*\* †/m);
    expect(generated).toMatch(/^\| student \+ AT \(clustered hints\) \(derived\) \| \*\*abstract-only\*\* †/m);
  });

  it('kdlab methods --check fails on a stale file and names it', () => {
    const stale = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'kdlab-methods-')), 'METHODS.md');
    fs.writeFileSync(stale, '# Methods\n');
    const res = spawnSync(process.execPath, [path.join(root, 'tools/cli/bin/kdlab.js'), 'methods', '--skip-broken', '--check', stale], { cwd: root, encoding: 'utf8' });
    expect(res.status).toBe(1);
    expect(res.stderr).toContain(`${stale} is stale`);
  }, 120_000);
});
