/** Pids of live processes whose command line mentions `file`: to prove a cancelled decoder was really killed. */
import fs from 'node:fs';

export function processesReading(file: string): string[] {
  return fs.readdirSync('/proc').filter((pid) => {
    try {
      return /^\d+$/.test(pid) && fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(file);
    } catch {
      return false; // exited while we looked
    }
  });
}
