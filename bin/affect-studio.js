#!/usr/bin/env node
'use strict';
// Thin launcher: checks the runtime, then hands over to the compiled CLI.
const major = Number(process.versions.node.split('.')[0]);
if (major < 22) {
  process.stderr.write(
    `affect-studio: Node.js ${process.versions.node} is too old; it needs Node 22 or newer ` +
      '(run it through "npx affect-studio" or "npm run serve" in the project, which use the bundled Node 22).\n',
  );
  process.exit(1);
}
try {
  require.resolve('../dist-main/cli/bin.js');
} catch {
  process.stderr.write('affect-studio: the studio is not built yet. Run "npm run build" first.\n');
  process.exit(1);
}
require('../dist-main/cli/bin.js');
