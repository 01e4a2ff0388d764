// One real MLflow server per jest run (tools/testing global setup; URL in KDLAB_TEST_MLFLOW_URI)
// for the micro speech reproduction that logs to it.
const path = require('path');
const preset = require('../../jest.preset.js')(__dirname);

module.exports = {
  ...preset,
  globalSetup: path.join(__dirname, '../../tools/testing/mlflow-global-setup.js'),
  globalTeardown: path.join(__dirname, '../../tools/testing/mlflow-global-teardown.js'),
};
