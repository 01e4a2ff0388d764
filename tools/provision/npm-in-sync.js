#!/usr/bin/env node
// Exit 0 when node_modules holds what package-lock.json pins, 1 otherwise. setup.sh runs `npm ci`
// only then: `npm ci` deletes node_modules, including the hand-built TensorFlow addon, so it must not
// run merely because package.json was touched (a dependency added with `npm install` is in sync).
// npm records the installed tree in node_modules/.package-lock.json; compare the two.
'use strict';
const fs = require('fs');
const path = require('path');
const root = path.resolve(__dirname, '..', '..');
const read = (f) => JSON.parse(fs.readFileSync(path.join(root, f), 'utf8')).packages;
let wanted;
let installed;
try {
  wanted = read('package-lock.json');
  installed = read('node_modules/.package-lock.json');
} catch {
  process.exit(1);
}
const key = (v) => `${v.version}|${v.link ? 'link' : ''}`;
for (const [name, v] of Object.entries(wanted)) {
  if (!name.startsWith('node_modules/')) continue;
  const got = installed[name];
  // Optional packages for other platforms (esbuild's, ...) are never installed here.
  if (!got) {
    if (v.optional) continue;
    process.exit(1);
  }
  if (key(got) !== key(v)) process.exit(1);
}
process.exit(0);
