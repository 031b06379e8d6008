/** Process entry of the CLI: wires `runCli` to the real stdout, stderr and signals. */
import { runCli } from './main';

const stopped = new Promise<void>((resolve) => {
  process.once('SIGINT', () => resolve());
  process.once('SIGTERM', () => resolve());
});

void runCli(process.argv.slice(2), {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  env: process.env,
  untilStopped: () => stopped,
}).then((code) => {
  process.exitCode = code;
  // `serve` leaves nothing pending once closed; other commands never opened anything long-lived.
});
