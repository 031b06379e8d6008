/** `affect-studio project salvage <dir> <new-dir>`: what was copied, what was lost, what to do next. */
import path from 'node:path';
import { defaultConfigDir } from '../core/appDirs';
import { RecentProjects } from '../core/store/recentProjects';
import { salvageProject, type SalvageReport } from '../core/store/salvage';
import { openProject } from '../core/store/projectFolder';
import { UsageError, type CliIo, type Values } from './args';

export function salvageCommand(values: Values, rest: string[], io: CliIo): number {
  const [from, to, ...extra] = rest;
  if (from === undefined || to === undefined) throw new UsageError('project salvage needs the damaged project and a new folder');
  if (extra.length > 0) throw new UsageError(`unexpected arguments: ${extra.join(' ')}`);
  const report = salvageProject(path.resolve(from), path.resolve(to));
  new RecentProjects(defaultConfigDir(io.env)).remember(openProject(report.to));
  io.out(values.json ? JSON.stringify(report) + '\n' : describe(report));
  return 0;
}

function describe(report: SalvageReport): string {
  const lines = [`Salvaged ${report.from} into the new project ${report.to}`];
  for (const table of report.tables) {
    const lost = table.details.length === 0 ? '' : `, ${table.lost > 0 ? table.lost : 'some'} lost (${table.details.join('; ')})`;
    lines.push(`  ${table.table}: ${table.copied} copied${lost}`);
  }
  if (report.reanalyse.length > 0) lines.push(`Face analysis was incomplete and is dropped for videos ${report.reanalyse.join(', ')}: analyze them again.`);
  lines.push(`Not copied, the studio recomputes them: ${report.notCopied.join(', ')}.`);
  return lines.join('\n') + '\n';
}
