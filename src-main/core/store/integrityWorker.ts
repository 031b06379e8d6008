/** Worker thread of `quickCheckInWorker`: its own read-only connection, so the studio's stays free meanwhile. */
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { quickCheck } from './integrityCheck';

const { file } = workerData as { file: string };
let problems: string[];
try {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  problems = quickCheck(db);
  db.close();
} catch (error) {
  problems = [(error as Error).message];
}
parentPort?.postMessage(problems);
