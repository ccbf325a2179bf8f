module.exports = require('./esm-bridge.cjs').load('./global-teardown.ts');
