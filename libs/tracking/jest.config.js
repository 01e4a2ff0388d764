// One real MLflow server for the whole suite (started by the global setup on
// 127.0.0.1 and a free port; its URL is in KDLAB_TEST_MLFLOW_URI).
const path = require('path');
const preset = require('../../jest.preset.js')(__dirname);

module.exports = {
  ...preset,
  globalSetup: path.join(__dirname, '../../tools/testing/mlflow-global-setup.js'),
  globalTeardown: path.join(__dirname, '../../tools/testing/mlflow-global-teardown.js'),
};
