// `npm run test:gpu` only (tools/testing/test-gpu.sh): the tests of the GPU build, *.gpu-test.ts.
const base = require('../../jest.preset.js')(__dirname);
module.exports = { ...base, testMatch: ['<rootDir>/**/*.gpu-test.ts'] };
