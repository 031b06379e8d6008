/**
 * Finds a damaged project database when it opens, not halfway through a save. SQLite's `quick_check` reads every
 * page and checks the b-trees' structure (not index contents: that is `integrity_check`, several times slower),
 * which is what random bytes on disk break. It takes time in proportion to the file, so a large project is
 * checked off the event loop by a worker thread with its own read-only connection.
 */
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Db } from './projectDb';

/** At most this many problems are listed: the first few say what broke, the rest add nothing a user can act on. */
export const MAX_PROBLEMS = 10;

/** `.ts` when running from source (tests, benchmarks: the worker needs tsx), `.js` when built. */
const OWN_EXTENSION = path.extname(__filename);

/** The problems `quick_check` finds, none when the database is sound. A read that fails is itself a problem. */
export function quickCheck(db: Db): string[] {
  try {
    const rows = db.pragma(`quick_check(${MAX_PROBLEMS})`) as { quick_check: string }[];
    return rows.map((row) => row.quick_check).filter((line) => line !== 'ok');
  } catch (error) {
    return [(error as Error).message];
  }
}

/** The same in a worker thread; null when `signal` stopped it first (the project was closed meanwhile). */
export function quickCheckInWorker(file: string, signal: AbortSignal): Promise<string[] | null> {
  return new Promise((resolve) => {
    const worker = new Worker(path.join(__dirname, `integrityWorker${OWN_EXTENSION}`), {
      workerData: { file },
      execArgv: OWN_EXTENSION === '.ts' ? ['--import', 'tsx'] : [],
    });
    const stop = () => void worker.terminate().then(() => resolve(null));
    signal.addEventListener('abort', stop, { once: true });
    const settle = (problems: string[]) => {
      signal.removeEventListener('abort', stop);
      void worker.terminate();
      resolve(problems);
    };
    worker.once('message', settle);
    worker.once('error', (error) => settle([`the check itself failed: ${error.message}`]));
  });
}
