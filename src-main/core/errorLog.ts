/**
 * Where unexpected errors (bugs, not a StudioError) go: the user sees one line naming this file, and the stack
 * and context land here for the bug report. The log lives in the studio's settings folder (appDirs.ts), never in
 * a project, so sending it does not send study data, and it is capped so it never grows without bound.
 */
import fs from 'node:fs';
import path from 'node:path';

const MAX_LOG_BYTES = 1024 * 1024;

export function errorLogFile(configDir: string): string {
  return path.join(configDir, 'logs', 'errors.log');
}

/** Appends the error with its stack and returns the line to show the user (which names the log file). */
export function logUnexpected(configDir: string, context: string, error: unknown): string {
  const file = errorLogFile(configDir);
  const details = error instanceof Error ? (error.stack ?? error.message) : String(error);
  let where: string;
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    if (fs.existsSync(file) && fs.statSync(file).size > MAX_LOG_BYTES) fs.renameSync(file, `${file}.1`);
    fs.appendFileSync(file, `${new Date().toISOString()} ${context}\n${details}\n\n`);
    where = `details in ${file}`;
  } catch (logError) {
    where = `and the details could not be written to ${file}: ${firstLine(logError)}`;
  }
  return `unexpected error in ${context}: ${firstLine(error)} (${where})`;
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n', 1)[0] ?? '';
}
