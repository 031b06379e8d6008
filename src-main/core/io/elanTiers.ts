/**
 * ELAN tiers as tab-delimited text, for ELAN's File > Import > CSV / Tab-delimited Text (MPI ELAN manual,
 * "CSV / Tab-delimited Text file": columns are mapped in the dialog to Tier, Begin time, End time, Annotation;
 * "Specify first row of data" skips our header). Times are integer milliseconds, one of the formats ELAN's
 * DelimitedTextReader.detectTimeFormat recognises (no ':' or '.'), and since that reader splits lines on the
 * delimiter without any quoting, tier names and values never contain tabs or line breaks. Each frame becomes one
 * annotation from its presentation time to the next frame's; ELAN's tiers cannot overlap, and these do not.
 */
import { layersOf, personStem } from './layers';
import type { VideoTable } from './frameTable';
import type { OutputFile } from './exportTarget';

export const ELAN_HEADER = ['tier', 'begin_ms', 'end_ms', 'value'] as const;

export function tablesToElan(tables: readonly VideoTable[]): OutputFile[] {
  return tables.map((table) => {
    const lines = [ELAN_HEADER.join('\t')];
    for (const layer of layersOf(table)) {
      for (const axis of ['valence', 'arousal'] as const) {
        const tier = `${layer.name} ${axis}`.replace(/[\t\r\n]+/g, ' ');
        layer.frames.forEach((frame, i) => {
          const value = frame[axis];
          if (value === null) return;
          const begin = Math.round(frame.timeSec * 1000);
          const next = layer.frames[i + 1]?.timeSec ?? frame.timeSec + layer.frameStepSec;
          lines.push([tier, begin, Math.max(begin + 1, Math.round(next * 1000)), String(Number(value.toFixed(6)))].join('\t'));
        });
      }
    }
    return { name: `${personStem(table.video, table.person.personId)}.elan.txt`, data: lines.join('\n') + '\n' };
  });
}
