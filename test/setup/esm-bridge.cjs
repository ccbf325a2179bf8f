/**
 * Jest loads globalSetup/globalTeardown through CommonJS `require` (with its transform), where
 * the ESM-style `./x.js` specifiers of our TypeScript sources do not resolve. This bridge lets
 * a relative `.js` specifier fall back to the `.ts` file beside it, then loads the hook.
 */
const Module = require('node:module');

const resolve = Module._resolveFilename;
if (!resolve.esmBridge) {
  Module._resolveFilename = function resolveTsSibling(request, parent, ...rest) {
    if (request.startsWith('.') && request.endsWith('.js')) {
      try {
        return resolve.call(this, `${request.slice(0, -3)}.ts`, parent, ...rest);
      } catch {
        // not a TypeScript source: resolve as asked
      }
    }
    return resolve.call(this, request, parent, ...rest);
  };
  Module._resolveFilename.esmBridge = true;
}

module.exports = { load: (file) => require(file).default };
