module.exports = require('./esm-bridge.cjs').load('./global-setup.ts');
