/** The record of what exports wrote, on real files: ownership by path and bytes, damaged lines, compaction. */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../../test/support/labelProject';
import { COMPACT_ABOVE_BYTES, EXPORT_LEDGER_FILE, ExportLedger } from './exportLedger';

function written(ledger: ExportLedger, file: string, data: string): void {
  ledger.record([{ path: file, data }]);
  fs.writeFileSync(file, data);
}

describe('export ledger', () => {
  it('knows its own files by path and bytes, and nothing else', () => {
    const home = tempDir();
    const dir = tempDir();
    const ledger = new ExportLedger(home);
    const ours = path.join(dir, 'a.csv');
    const edited = path.join(dir, 'b.csv');
    const stranger = path.join(dir, 'c.csv');
    written(ledger, ours, 'x,y\n1,2\n');
    written(ledger, edited, 'x,y\n1,2\n');
    fs.writeFileSync(edited, 'x,y\n1,3\n'); // same size, other bytes
    fs.writeFileSync(stranger, 'x,y\n1,2\n'); // same bytes, never written by the studio at this path
    expect(ledger.ownership([ours, edited, stranger])).toEqual(new Map([[ours, 'ours'], [edited, 'changed'], [stranger, 'foreign']]));
    // A damaged line (a torn write) is skipped, the rest still read; another settings folder knows nothing.
    fs.appendFileSync(ledger.file, '{"path": "/trunc');
    expect(ledger.ownership([ours]).get(ours)).toBe('ours');
    expect(new ExportLedger(tempDir()).ownership([ours]).get(ours)).toBe('foreign');
  });

  it('rewrites itself small once it grows past the limit, keeping what is still on disk', () => {
    const home = tempDir();
    const ledger = new ExportLedger(home);
    const stale = JSON.stringify({ path: '/gone/dataset/images/000000.png', sizeBytes: 1000, sha256: '0'.repeat(64) }) + '\n';
    fs.writeFileSync(path.join(home, EXPORT_LEDGER_FILE), stale.repeat(Math.ceil(COMPACT_ABOVE_BYTES / stale.length)));
    const file = path.join(tempDir(), 'labels.csv');
    for (const version of ['1', '2', '3']) written(ledger, file, `v${version}\n`);
    const lines = fs.readFileSync(ledger.file, 'utf8').trim().split('\n');
    expect(lines.map((line) => JSON.parse(line).path)).toEqual([file, file]);
    expect(ledger.ownership([file]).get(file)).toBe('ours');
  });
});
