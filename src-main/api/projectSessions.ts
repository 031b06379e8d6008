/**
 * One open ProjectSession per project folder, shared by every client of this process. Job updates of each
 * session become `job.progress` events carrying the project they belong to, and the end of a large project's
 * background check a `project.access` event.
 */
import { TRAIN_HEAD_JOB } from '../core/affect/trainJob';
import { getJob } from '../core/store/jobStore';
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
  ) {}

  get(projectPath: string): ProjectSession {
    const dir = resolveUserPath(projectPath);
    let session = this.open.get(dir);
    if (!session) {
      session = ProjectSession.open(dir, {
        onJobUpdate: (update, owner) => {
          this.events.emit('job.progress', jobProgress(owner, update));
          // A trained head becomes the active one, so every video's predictions change; other jobs change videos.
          if (update.state === 'done') this.events.emit('data.changed', { entity: update.kind === TRAIN_HEAD_JOB ? 'predictions' : 'videos', projectPath: dir });
        },
        onAccessChange: (access) => this.events.emit('project.access', { projectPath: dir, access }),
        reportUnexpected: this.reportUnexpected,
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

export function jobProgress(session: ProjectSession, update: JobUpdate): JobProgress {
  const finished = update.state === 'done' || update.state === 'failed';
  const record = finished ? getJob(session.db, update.jobId) : undefined;
  return {
    projectPath: session.dir,
    ...update,
    ...(record ? { error: record.error, result: record.result } : {}),
  };
}
