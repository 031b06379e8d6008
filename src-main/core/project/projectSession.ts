/**
 * An open project: its database, its cache folder and its job runner. Front ends (API, CLI) hold one session
 * per project folder; closing it stops the running job so that the next open resumes it.
 */
import path from 'node:path';
import { ProjectPredictor } from '../affect/projectPredictor';
import { trainHeadJobHandler, TRAIN_HEAD_JOB } from '../affect/trainJob';
import { analyzeJobHandler, ANALYZE_JOB } from '../analysis/analyzeJob';
import { importJobHandler, IMPORT_JOB } from '../ingest/importJob';
import { JobRunner, type JobUpdate } from '../jobs/jobRunner';
import { resolveUserPath } from '../paths/userPath';
import { openProject, PROJECT_DB_FILE, type ProjectInfo } from './projectFolder';
import { openProjectDb, type Db } from './projectDb';

export type JobUpdateListener = (update: JobUpdate, session: ProjectSession) => void;

export class ProjectSession {
  readonly info: ProjectInfo;
  readonly db: Db;
  readonly jobs: JobRunner;
  /** Predictions from the labels, kept per video and updated label by label. */
  readonly predictor: ProjectPredictor;

  private constructor(dir: string, onJobUpdate: JobUpdateListener) {
    this.info = openProject(dir);
    this.db = openProjectDb(path.join(this.info.path, PROJECT_DB_FILE), { create: false });
    this.predictor = new ProjectPredictor(this.db, this.info.path);
    this.jobs = new JobRunner(
      this.db,
      { [IMPORT_JOB]: importJobHandler(this), [ANALYZE_JOB]: analyzeJobHandler(this), [TRAIN_HEAD_JOB]: trainHeadJobHandler(this) },
      (update) => onJobUpdate(update, this),
    );
  }

  static open(dirInput: string, onJobUpdate: JobUpdateListener = () => undefined): ProjectSession {
    const session = new ProjectSession(resolveUserPath(dirInput), onJobUpdate);
    session.jobs.resumeInterrupted();
    return session;
  }

  get dir(): string {
    return this.info.path;
  }

  /** Derived files (thumbnail strips): safe to delete, rebuilt on demand. */
  get cacheDir(): string {
    return path.join(this.info.path, 'cache');
  }

  async close(): Promise<void> {
    await this.jobs.stop();
    this.db.close();
  }
}
