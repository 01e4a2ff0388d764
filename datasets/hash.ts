// (Re)computes the `files` list (path, sha256, bytes) of dataset manifests from the data root.
// Usage: npx tsx datasets/hash.ts <name> [<name> ...]   e.g. Set5 Set14 B100 T91 BSD200
import { rehashManifest } from '@kdlab/data';

const names = process.argv.slice(2);
if (names.length === 0) {
  console.error('usage: npx tsx datasets/hash.ts <manifest name> [...]');
  process.exit(2);
}
for (const name of names) {
  const m = rehashManifest(name);
  console.log(`${name}: ${m.files.length} files hashed under ${m.root}`);
}
