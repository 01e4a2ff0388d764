// jest globalSetup: one real MLflow server for a test run. Its URL goes to the
// tests in KDLAB_TEST_MLFLOW_URI; the teardown stops it.
const { startMlflowServer, ensureMlflowInstalled } = require('./mlflow-server');

module.exports = async function globalSetup() {
  ensureMlflowInstalled();
  const server = await startMlflowServer();
  process.env.KDLAB_TEST_MLFLOW_URI = server.url;
  process.env.KDLAB_TEST_MLFLOW_DIR = server.dir;
  globalThis.__KDLAB_MLFLOW_SERVER__ = server;
  process.stderr.write(`\n[mlflow] test server ${server.url} healthy after ${server.startupMs} ms (data: ${server.dir})\n`);
};
