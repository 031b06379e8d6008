/** `affect-studio agreement` and `affect-studio fuse`: how well annotators agree, and their fused gold layer. */
import { AXES, FUSION_METHODS, type AxisAgreement, type FusionMethod } from '../core/affect/projectAgreement';
import { agreementReport, fuseAnnotators } from '../core/app/agreement';
import { toJsonSafe } from '../core/jsonSafe';
import { openSession } from './openSession';
import { UsageError, type CliIo, type Values } from './args';
import { videoOption } from './exportCommands';
import { counted } from '../core/counted';

export async function agreementCommand(values: Values, rest: string[], io: CliIo): Promise<number> {
  const [project, ...extra] = rest;
  if (project === undefined || extra.length > 0) throw new UsageError('agreement needs exactly one project folder');
  const session = await openSession(project, io);
  try {
    const report = await agreementReport(session, { videoId: videoOption(values), annotators: values.annotator });
    if (values.json) {
      io.out(JSON.stringify(toJsonSafe(report)) + '\n');
      return 0;
    }
    io.out(`annotators: ${report.annotators.join(', ') || '(none)'}; frames labelled by two or more: ${report.frames}\n`);
    for (const axis of AXES) io.out(`${axis}: ${summary(report[axis])}\n`);
    for (const row of report.model.filter((m) => m.frames > 0)) {
      for (const axis of AXES) io.out(`${row.annotator} vs model, ${axis}: ${summary(row[axis])}\n`);
    }
    return 0;
  } finally {
    await session.close();
  }
}

export async function fuseCommand(values: Values, rest: string[], io: CliIo): Promise<number> {
  const [project, ...extra] = rest;
  if (project === undefined || extra.length > 0) throw new UsageError('fuse needs exactly one project folder');
  const method = (values.method ?? 'ewe') as FusionMethod;
  if (!Object.hasOwn(FUSION_METHODS, method)) throw new UsageError(`--method must be mean or ewe, not "${values.method}"`);
  const session = await openSession(project, io);
  try {
    const result = await fuseAnnotators(session, method, { videoId: videoOption(values), annotators: values.annotator });
    io.out(values.json ? JSON.stringify(result) + '\n' : `saved ${counted(result.labels, 'label')} as "${result.annotator.name}"\n`);
    return 0;
  } finally {
    await session.close();
  }
}

function summary(axis: AxisAgreement | null): string {
  if (axis === null) return 'nothing to compare';
  const f = (v: number) => (Number.isNaN(v) ? 'n/a' : v.toFixed(3));
  return `ICC(2,1) ${f(axis.icc['2,1'])}, ICC(3,1) ${f(axis.icc['3,1'])}, alpha ${f(axis.alpha)}, CCC ${f(axis.ccc)}, r ${f(axis.pearson)}, RMSE ${f(axis.rmse)}`;
}
