/**
 * `affect-studio encoders <project> [list | import FILE.onnx | use ID]`: a lab's own encoder without the window.
 * Import checks the model on every execution provider before anything is copied; use chooses the encoder the next
 * `analyze` runs with.
 */
import { importEncoder, listEncoders, useEncoder, type EncoderView } from '../core/app/encoders';
import type { ModelId } from '../core/store/modelStore';
import { UsageError, wholeOption, type CliIo, type Values } from './args';
import { openSession } from './openSession';

const SUBCOMMANDS = ['list', 'import', 'use'] as const;

export async function encodersCommand(values: Values, rest: string[], io: CliIo): Promise<number> {
  const [project, sub = 'list', argument, ...extra] = rest;
  if (project === undefined) throw new UsageError('encoders needs a project folder');
  if (!SUBCOMMANDS.includes(sub as (typeof SUBCOMMANDS)[number])) throw new UsageError(`encoders takes list, import FILE.onnx or use ID, not "${sub}"`);
  if (extra.length > 0 || (sub === 'list' && argument !== undefined)) throw new UsageError(`unexpected arguments: ${[...(sub === 'list' ? [argument] : []), ...extra].join(' ')}`);
  if (sub !== 'list' && argument === undefined) throw new UsageError(sub === 'import' ? 'encoders import needs the encoder\'s .onnx file' : 'encoders use needs an encoder id (see "encoders <project> list")');
  const id = sub === 'use' ? (wholeOption('ID', argument as string) as ModelId) : undefined;
  const session = await openSession(project, io);
  try {
    if (sub === 'import') {
      const imported = await importEncoder(session, argument as string);
      io.out(values.json ? JSON.stringify(imported) + '\n' : `imported ${imported.name} ${imported.version} as encoder ${imported.id}; "encoders <project> use ${imported.id}" makes the next analysis use it\n`);
      return 0;
    }
    const encoders = id === undefined ? await listEncoders(session) : await useEncoder(session, id);
    io.out(values.json ? JSON.stringify(encoders) + '\n' : encoderTable(encoders));
    return 0;
  } finally {
    await session.close();
  }
}

function encoderTable(encoders: readonly EncoderView[]): string {
  // "affect": the scale of the encoder's own valence/arousal, which the untrained prior reads ("-" for none).
  const affect = (e: EncoderView) => (e.affectRange ? `${e.affectRange[0]} to ${e.affectRange[1]}` : '-');
  const rows = encoders.map((e) => `${e.id ?? '-'}\t${e.active ? '*' : ''}\t${e.name}\t${e.version}\t${e.input}\t${e.embeddingDim ?? '?'}\t${affect(e)}\t${e.licence}\n`);
  return `id\tactive\tname\tversion\tinput\tD\taffect\tlicence\n${rows.join('')}`;
}
