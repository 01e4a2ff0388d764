// Shared jest settings for every project. ts-jest takes its tsconfig as a file
// path (@nx/jest 23 crashes on the inline-object form).
const path = require('path');

/** @param {string} projectDir absolute path of the project */
module.exports = function preset(projectDir) {
  return {
    rootDir: projectDir,
    testEnvironment: 'node',
    testMatch: ['<rootDir>/**/*.test.ts'],
    moduleFileExtensions: ['ts', 'js', 'json'],
    transform: {
      '^.+\\.ts$': ['ts-jest', { tsconfig: path.join(projectDir, 'tsconfig.json'), diagnostics: false }],
    },
    // Training tests are slow on 2 cores; the default 5 s would be a lie.
    testTimeout: 120000,
    reporters: ['default', path.join(__dirname, 'tools/testing/summary-reporter.js')],
  };
};
