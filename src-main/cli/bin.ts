/**
 * Process entry of the CLI: wires `runCli` to the real stdout, stderr and signals. An error that escapes
 * everything (a callback of a running server or job) is logged with its stack and reported in one line, never
 * as Node's stack dump.
 */
import { defaultConfigDir } from '../core/appDirs';
import { logUnexpected } from '../core/errorLog';
import { runCli } from './main';

const stopped = new Promise<void>((resolve) => {
  process.once('SIGINT', () => resolve());
  process.once('SIGTERM', () => resolve());
});

const crash = (error: unknown) => {
  process.stderr.write(`affect-studio: ${logUnexpected(defaultConfigDir(), 'affect-studio', error)}\n`);
  process.exit(1);
};
process.on('uncaughtException', crash);
process.on('unhandledRejection', crash);

// `affect-studio faces ... | head -1`: the reader has what it wanted and closed the pipe. Like any Unix tool, stop
// quietly instead of dying with a stack trace. Commands print their result after their work is committed, so
// nothing saved is lost. A closed stderr only silences progress and messages: the work goes on.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  process.exit(0);
});
let stderrOpen = true;
process.stderr.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  stderrOpen = false;
});

void runCli(process.argv.slice(2), {
  out: (text) => process.stdout.write(text),
  err: (text) => stderrOpen && process.stderr.write(text),
  env: process.env,
  stderrIsTty: process.stderr.isTTY === true,
  untilStopped: () => stopped,
}).then((code) => {
  process.exitCode = code;
  // `serve` leaves nothing pending once closed; other commands never opened anything long-lived.
});
