import os from 'node:os';
import path from 'node:path';

/**
 * Where the studio keeps its own settings (recent projects). `AFFECT_STUDIO_HOME` overrides it so tests and
 * several users of one workstation can keep separate state; Electron passes its `userData` folder instead.
 */
export function defaultConfigDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.AFFECT_STUDIO_HOME) return path.resolve(env.AFFECT_STUDIO_HOME);
  if (process.platform === 'win32' && env.APPDATA) return path.join(env.APPDATA, 'Affect Studio');
  if (process.platform === 'darwin') return path.join(os.homedir(), 'Library', 'Application Support', 'Affect Studio');
  return path.join(env.XDG_CONFIG_HOME ?? path.join(os.homedir(), '.config'), 'affect-studio');
}

/** Where "create project" proposes new projects by default. */
export function defaultProjectsDir(): string {
  return path.join(os.homedir(), 'Affect Studio Projects');
}
