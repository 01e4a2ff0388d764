// The end-to-end study test logs real runs to a real MLflow server (tools/testing global setup;
// URL in KDLAB_TEST_MLFLOW_URI).
const path = require('path');
const preset = require('../../jest.preset.js')(__dirname);

module.exports = {
  ...preset,
  globalSetup: path.join(__dirname, '../../tools/testing/mlflow-global-setup.js'),
  globalTeardown: path.join(__dirname, '../../tools/testing/mlflow-global-teardown.js'),
};
