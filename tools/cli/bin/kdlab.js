#!/usr/bin/env node
// Runs the TypeScript CLI directly through tsx (no build step). Both hooks are
// needed: require() for static imports, the ESM one for lazy `await import()`.
require('tsx/esm/api').register();
require('tsx/cjs');
require('../src/main.ts').main(process.argv);
