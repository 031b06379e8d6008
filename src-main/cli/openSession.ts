/**
 * Opens a project for one command. A command runs once its project's check has settled (a batch command would
 * rather wait a few seconds than be refused), and a project that opens read-only says so in one line on stderr
 * before anything else, so a script's log shows why a later write failed.
 */
import path from 'node:path';
import { defaultConfigDir } from '../core/appDirs';
import { logUnexpected } from '../core/errorLog';
import { ExportLedger } from '../core/io/exportLedger';
import { ProjectSession, type JobUpdateListener } from '../core/studio/projectSession';
import type { CliIo } from './args';

export async function openSession(project: string, io: CliIo, onJobUpdate?: JobUpdateListener): Promise<ProjectSession> {
  const session = ProjectSession.open(path.resolve(project), {
    onJobUpdate,
    exportLedger: new ExportLedger(defaultConfigDir(io.env)),
    reportUnexpected: (context, error) => logUnexpected(defaultConfigDir(io.env), context, error),
  });
  const access = await session.checked;
  if (access.mode === 'read-only') io.err(`affect-studio: opened read-only: ${access.reason}\n`);
  return session;
}
