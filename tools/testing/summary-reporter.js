// A jest reporter that appends each project's totals to one file, so the test
// command can end with a single closing line over every Nx project.
const fs = require('fs');
const path = require('path');

class SummaryReporter {
  onRunComplete(_contexts, results) {
    const file = process.env.KDLAB_TEST_SUMMARY;
    if (!file) return;
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const line = { passed: results.numPassedTests, failed: results.numFailedTests + results.numRuntimeErrorTestSuites, skipped: results.numPendingTests + results.numTodoTests };
    fs.appendFileSync(file, JSON.stringify(line) + '\n');
  }
}
module.exports = SummaryReporter;
