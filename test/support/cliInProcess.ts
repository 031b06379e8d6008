/** Runs `affect-studio ARGS` in this process and collects what it prints: for CLI tests that need no child process. */
import { runCli } from '../../src-main/cli/main';

export async function cliInProcess(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io = { out: (t: string) => (out += t), err: (t: string) => (err += t), env: process.env, untilStopped: () => new Promise<void>(() => undefined) };
  const code = await runCli(args, io);
  return { code, out, err };
}
