/**
 * What a use case gets to work with: the project's stores, its job queue, its in-memory predictor and where it
 * lives. The composition root (core/studio/projectSession.ts) provides it; front ends never build one.
 * Defined here, below the root, so use cases and workflows depend on this shape and not on the session class.
 */
import type { ProjectPredictor } from '../affect/projectPredictor';
import type { ExportLedger } from '../io/exportLedger';
import type { JobRunner } from '../jobs/jobRunner';
import type { ProjectAccess } from '../store/projectAccess';
import type { ProjectStores } from '../store/projectStores';

export interface ProjectContext {
  /** The project folder (absolute). */
  readonly dir: string;
  /** Derived files (thumbnail strips): safe to delete, rebuilt on demand. */
  readonly cacheDir: string;
  readonly stores: ProjectStores;
  readonly jobs: JobRunner;
  readonly predictor: ProjectPredictor;
  readonly access: ProjectAccess;
  /** The record of files exports wrote, so that only those are ever replaced (core/io/exportLedger.ts). */
  readonly exportLedger: ExportLedger;
}
