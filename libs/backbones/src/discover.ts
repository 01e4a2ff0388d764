// Loads every module under a folder (recursively) for its side effect of
// registering itself, so adding an architecture or a loss is one new file and
// touches no shared list. Tests and declaration files are skipped.
import * as fs from 'fs';
import * as path from 'path';

const SOURCE = /\.(ts|js)$/;
const SKIP = /\.(test|spec|d)\.(ts|js)$/;

export function requireAll(dir: string): string[] {
  const loaded: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) loaded.push(...requireAll(file));
    else if (SOURCE.test(entry.name) && !SKIP.test(entry.name)) {
      require(file);
      loaded.push(file);
    }
  }
  return loaded;
}
