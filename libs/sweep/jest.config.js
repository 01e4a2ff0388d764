// The sweep tests start their own Redis, PostgreSQL and MLflow servers on 127.0.0.1.
module.exports = require('../../jest.preset.js')(__dirname);
