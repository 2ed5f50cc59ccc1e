// Loaded into Stryker and its test workers (node --require) by scripts/mutation.js.
// Stryker 9's mocha runner requires mocha's command-line helpers by their extension-less names
// (`mocha/lib/cli/options`, `run-helpers`, `collect-files`), which Node resolves to `.js`; mocha 12
// ships those helpers as `.cjs`. This resolves exactly those requests to the `.cjs` files, and
// leaves every other request alone.
'use strict';
const Module = require('node:module');
const fs = require('node:fs');
const path = require('node:path');

const cli = path.join(path.dirname(require.resolve('mocha/package.json')), 'lib', 'cli') + path.sep;
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  if (typeof request === 'string' && request.startsWith(cli) && path.extname(request) === '' && fs.existsSync(`${request}.cjs`)) {
    return resolve.call(this, `${request}.cjs`, ...rest);
  }
  return resolve.call(this, request, ...rest);
};
