// Checks package-lock.json for the traps recorded in docs/notes/toolchain.md: every optional platform package a
// locked package asks for must itself be locked (rollup's newest releases lack some platforms on this
// registry, and `npm ci` then fails on another OS), and no entry may point outside the npm registry.
// Plain JavaScript so CI can run it before anything is installed.
import fs from 'node:fs';

const lock = JSON.parse(fs.readFileSync(new URL('../package-lock.json', import.meta.url), 'utf8'));
const problems = [];
const locked = new Set(Object.keys(lock.packages).map((key) => key.replace(/^.*node_modules\//, '')));

for (const [key, entry] of Object.entries(lock.packages)) {
  for (const name of Object.keys(entry.optionalDependencies ?? {})) {
    if (!locked.has(name)) problems.push(`${key || '(root)'} wants optional ${name}, which the lockfile lacks`);
  }
  if (entry.resolved && !entry.resolved.startsWith('https://registry.npmjs.org/') && !entry.link) {
    problems.push(`${key} resolves outside the npm registry: ${entry.resolved}`);
  }
}

if (problems.length > 0) {
  console.error(`package-lock.json has ${problems.length} problem(s):\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log(`package-lock.json: ${Object.keys(lock.packages).length} entries, every optional platform package locked`);
