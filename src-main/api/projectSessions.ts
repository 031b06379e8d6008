/**
 * One open ProjectSession per project folder, shared by every client of this process. Job updates of each
 * session become `job.progress` events carrying the project they belong to, and the end of a large project's
 * background check a `project.access` event.
 */
import { summariseJob } from '../core/app/jobs';
import { EXPORT_JOB, LABEL_IMPORT_JOB, TRAIN_HEAD_JOB } from '../core/jobs/jobKinds';
import type { ExportLedger } from '../core/io/exportLedger';
import type { JobUpdate, ReportUnexpected } from '../core/jobs/jobRunner';
import { ProjectSession } from '../core/studio/projectSession';
import { resolveUserPath } from '../core/paths/userPath';
import type { JobProgress } from './contract';
import type { EventHub } from './eventHub';

export class ProjectSessions {
  private readonly open = new Map<string, ProjectSession>();

  constructor(
    private readonly events: EventHub,
    private readonly reportUnexpected: ReportUnexpected,
    private readonly exportLedger: ExportLedger,
  ) {}

  get(projectPath: string): ProjectSession {
    const dir = resolveUserPath(projectPath);
    let session = this.open.get(dir);
    if (!session) {
      session = ProjectSession.open(dir, {
        onJobUpdate: (update, owner) => {
          const progress = jobProgress(owner, update);
          if (progress) this.events.emit('job.progress', progress);
          const changed = update.state === 'done' ? changedBy(update.kind) : null;
          if (changed) this.events.emit('data.changed', { entity: changed, projectPath: dir });
        },
        onAccessChange: (access) => this.events.emit('project.access', { projectPath: dir, access }),
        reportUnexpected: this.reportUnexpected,
        exportLedger: this.exportLedger,
      });
      this.open.set(dir, session);
    }
    return session;
  }

  async closeAll(): Promise<void> {
    const sessions = [...this.open.values()];
    this.open.clear();
    await Promise.all(sessions.map((session) => session.close()));
  }
}

/** A job's update as the `job.progress` event; none for a kind this studio does not know (it cannot describe it). */
export function jobProgress(session: ProjectSession, update: JobUpdate): JobProgress | undefined {
  const record = session.jobs.get(update.jobId);
  const summary = record && summariseJob(record);
  if (!summary) return undefined;
  const { ratePerSec, etaSec, message } = update;
  return {
    ...summary,
    projectPath: session.dir,
    state: update.state,
    done: update.done,
    total: update.total,
    ratePerSec,
    etaSec,
    ...(message === undefined ? {} : { message }),
  };
}

/**
 * What a finished job changed: a trained head becomes the active one, so every video's predictions change; label
 * imports change labels; imports and analyses change videos; an export changes nothing in the project.
 */
function changedBy(kind: string): 'predictions' | 'labels' | 'videos' | null {
  if (kind === TRAIN_HEAD_JOB.name) return 'predictions';
  if (kind === LABEL_IMPORT_JOB.name) return 'labels';
  if (kind === EXPORT_JOB.name) return null;
  return 'videos';
}
