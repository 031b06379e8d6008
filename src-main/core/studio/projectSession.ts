/**
 * An open project: its database, its cache folder and its job runner. Front ends (API, CLI) hold one session
 * per project folder; closing it stops the running job so that the next open resumes it.
 *
 * Opening checks the database (integrityCheck.ts). A project that cannot be written (permissions) or is damaged
 * opens read-only: everything can still be viewed and exported, and every write fails with the reason. A large
 * project is checked in the background; until the check passes it is read-only too. Writes made meanwhile are
 * refused rather than queued: the store's writes are synchronous, a queued label would look saved while it is
 * not, and the banner tells the annotator it is a matter of seconds.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ProjectPredictor } from '../affect/projectPredictor';
import { trainHeadJobHandler, TRAIN_HEAD_JOB } from '../affect/trainJob';
import { analyzeJobHandler, ANALYZE_JOB, sameAnalysis } from '../analysis/analyzeJob';
import { defaultConfigDir } from '../appDirs';
import { importJobHandler, IMPORT_JOB } from '../ingest/importJob';
import { exportJobHandler, EXPORT_JOB } from '../io/exportJob';
import { ExportLedger } from '../io/exportLedger';
import { labelImportJobHandler, LABEL_IMPORT_JOB } from '../io/labelImportJob';
import { queueAnalysisOnce } from '../jobs/analyzeAfterImport';
import { JobRunner, registerJob, type JobUpdate, type ReportUnexpected } from '../jobs/jobRunner';
import { resolveUserPath } from '../paths/userPath';
import { quickCheck, quickCheckInWorker } from '../store/integrityCheck';
import { guardWrites, READ_WRITE, salvageAdvice, type ProjectAccess } from '../store/projectAccess';
import { openProjectFolder, PROJECT_DB_FILE, type ProjectInfo } from '../store/projectFolder';
import { unwritableReason, type Db } from '../store/projectDb';
import { sqliteStores, type ProjectStores } from '../store/projectStores';
import { cancelPendingSaves } from '../app/predictions';
import { reportJobHandler, REPORT_JOB } from '../app/report';
import type { ProjectContext } from '../app/projectContext';
import type { VideoId } from '../ids';

export type JobUpdateListener = (update: JobUpdate, session: ProjectSession) => void;

/**
 * Databases up to this size are checked before `open` returns. `npm run bench -- open-check` measured quick_check
 * at 190-390 MB/s on this 2-core machine (warm cache; an analysed frame takes ~10 kB, so 100,000 frames are ~1 GB
 * and 5 s), so 16 MB costs at most ~85 ms, unnoticeable beside the UI's first render; a larger project (from
 * about 1,500 analysed frames) is checked in the background.
 */
export const SYNC_CHECK_MAX_BYTES = 16 * 1024 * 1024;

export interface SessionOptions {
  onJobUpdate?: JobUpdateListener;
  /** Called once the background check of a large project settles the access. */
  onAccessChange?: (access: ProjectAccess, session: ProjectSession) => void;
  /** Where a job's unexpected error goes; by default the error log in the default settings folder. */
  reportUnexpected?: ReportUnexpected;
  /** The record of files exports wrote (exportLedger.ts); by default the one in the default settings folder. */
  exportLedger?: ExportLedger;
  /** Overrides SYNC_CHECK_MAX_BYTES (benchmarks and tests of the background path). */
  syncCheckMaxBytes?: number;
}

export class ProjectSession implements ProjectContext {
  readonly info: ProjectInfo;
  readonly db: Db;
  /** The asynchronous per-aggregate stores the application layer (core/app/) goes through. */
  readonly stores: ProjectStores;
  readonly jobs: JobRunner;
  /** Predictions from the labels, kept per video and updated label by label. */
  readonly predictor: ProjectPredictor;
  readonly exportLedger: ExportLedger;
  private currentAccess: ProjectAccess = READ_WRITE;
  private readonly jobListeners = new Set<JobUpdateListener>();
  private readonly stopCheck = new AbortController();
  /** Settles when the project's access is final (at once unless a large project is checked in the background). */
  readonly checked: Promise<ProjectAccess>;

  private constructor(dir: string, options: SessionOptions) {
    const { info, db } = openProjectFolder(dir);
    this.info = info;
    const file = path.join(info.path, PROJECT_DB_FILE);
    this.db = guardWrites(db, () => this.currentAccess, this.info.path);
    this.stores = sqliteStores(this.db);
    this.predictor = new ProjectPredictor(this.db, this.info.path);
    const onJobUpdate: JobUpdateListener = (update, session) => {
      options.onJobUpdate?.(update, session);
      for (const listener of this.jobListeners) listener(update, session);
    };
    this.exportLedger = options.exportLedger ?? new ExportLedger(defaultConfigDir());
    const analyzeImported = (videoId: VideoId, params: { analyze: boolean }) => {
      if (params.analyze) queueAnalysisOnce(this.db, this.jobs, videoId);
    };
    this.jobs = new JobRunner(
      this.db,
      [
        registerJob(IMPORT_JOB, importJobHandler(this, analyzeImported)),
        registerJob(ANALYZE_JOB, analyzeJobHandler(this), { sameAs: sameAnalysis }),
        registerJob(TRAIN_HEAD_JOB, trainHeadJobHandler(this)),
        registerJob(EXPORT_JOB, exportJobHandler(this.db, this.exportLedger)),
        registerJob(LABEL_IMPORT_JOB, labelImportJobHandler(this.db)),
        registerJob(REPORT_JOB, reportJobHandler(this, () => this.info.name)),
      ],
      (update) => onJobUpdate(update, this),
      options.reportUnexpected,
    );

    const unwritable = unwritableReason(file);
    if (unwritable !== null) {
      this.currentAccess = { mode: 'read-only', reason: `${unwritable}: make it writable, then open the project again` };
      this.checked = Promise.resolve(this.currentAccess);
    } else if (fs.statSync(file).size <= (options.syncCheckMaxBytes ?? SYNC_CHECK_MAX_BYTES)) {
      this.currentAccess = this.accessAfterCheck(quickCheck(db));
      this.checked = Promise.resolve(this.currentAccess);
    } else {
      this.currentAccess = { mode: 'read-only', reason: 'it is still being checked for damage; saving works again in a few seconds' };
      this.checked = quickCheckInWorker(file, this.stopCheck.signal).then((problems) => {
        if (problems === null) return this.currentAccess;
        this.currentAccess = this.accessAfterCheck(problems);
        if (this.currentAccess.mode === 'read-write') this.jobs.resumeInterrupted();
        options.onAccessChange?.(this.currentAccess, this);
        return this.currentAccess;
      });
    }
  }

  static open(dirInput: string, options: SessionOptions | JobUpdateListener = {}): ProjectSession {
    const session = new ProjectSession(resolveUserPath(dirInput), typeof options === 'function' ? { onJobUpdate: options } : options);
    if (session.access.mode === 'read-write') session.jobs.resumeInterrupted();
    return session;
  }

  /** Also tells `listener` of every job update, until the returned function is called (a CLI command's own job). */
  onJobUpdate(listener: JobUpdateListener): () => void {
    this.jobListeners.add(listener);
    return () => this.jobListeners.delete(listener);
  }

  get access(): ProjectAccess {
    return this.currentAccess;
  }

  get dir(): string {
    return this.info.path;
  }

  /** Derived files (thumbnail strips): safe to delete, rebuilt on demand. */
  get cacheDir(): string {
    return path.join(this.info.path, 'cache');
  }

  async close(): Promise<void> {
    // A background check holds its own connection: stop it so no worker outlives the session.
    this.stopCheck.abort();
    await this.checked;
    await this.jobs.stop();
    cancelPendingSaves(this);
    this.db.close();
  }

  private accessAfterCheck(problems: string[]): ProjectAccess {
    if (problems.length === 0) return READ_WRITE;
    return { mode: 'read-only', reason: `its database is damaged (${problems[0]}): ${salvageAdvice(this.info.path)}` };
  }
}
