import fs from 'node:fs';
import path from 'node:path';

/** The studio's version, from its package.json (two levels above the compiled `dist-main/core`). */
export function appVersion(): string {
  const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string };
  return pkg.version;
}
