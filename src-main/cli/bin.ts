/** Process entry of the CLI: wires `runCli` to the real stdout, stderr and signals. */
import { runCli } from './main';

const stopped = new Promise<void>((resolve) => {
  process.once('SIGINT', () => resolve());
  process.once('SIGTERM', () => resolve());
});

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
  untilStopped: () => stopped,
}).then((code) => {
  process.exitCode = code;
  // `serve` leaves nothing pending once closed; other commands never opened anything long-lived.
});
