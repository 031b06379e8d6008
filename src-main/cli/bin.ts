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

void runCli(process.argv.slice(2), {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  env: process.env,
  untilStopped: () => stopped,
}).then((code) => {
  process.exitCode = code;
  // `serve` leaves nothing pending once closed; other commands never opened anything long-lived.
});
