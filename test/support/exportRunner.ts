/**
 * Starts a dataset export job on an existing project and, once the first face crop is written, prints its job id
 * and stops itself (SIGSTOP) so the test can kill it at exactly that point: a kill mid-export, made
 * deterministic. Usage: exportRunner.ts <project> <folder> <name>; the ledger is AFFECT_STUDIO_HOME's.
 */
import { startExport } from '../../src-main/core/app/exports';
import { EXPORT_JOB } from '../../src-main/core/jobs/jobKinds';
import { ProjectSession } from '../../src-main/core/studio/projectSession';

const [project, folder, name] = process.argv.slice(2) as [string, string, string];
const session = ProjectSession.open(project, (update) => {
  if (update.kind !== EXPORT_JOB.name || update.state !== 'running' || update.done < 1) return;
  process.stdout.write(`stopped ${update.jobId}\n`);
  process.kill(process.pid, 'SIGSTOP');
});
void startExport(session, { format: 'dataset', folder, name, dataset: { cropSize: 64 } });
