// jest globalTeardown: stops the server the global setup started, and removes its data.
const fs = require('fs');

module.exports = async function globalTeardown() {
  const server = globalThis.__KDLAB_MLFLOW_SERVER__;
  if (!server) return;
  await server.stop();
  if (!process.env.KDLAB_KEEP_MLFLOW_DATA) fs.rmSync(server.dir, { recursive: true, force: true });
};
