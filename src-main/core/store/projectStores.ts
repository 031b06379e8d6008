/**
 * The seam between the application layer and storage (issue 13): one store per aggregate (videos, labels,
 * annotators, analysis, predictions, jobs), each method a whole transaction that returns a promise, so a lab
 * server can later put an asynchronous database (PostgreSQL) behind the same use cases without touching them.
 *
 * The SQLite implementation wraps the synchronous table modules beside this file. Workflows below the
 * application layer (jobs, engines' loaders) may still call those synchronous functions directly: they run in
 * the process that owns the project file.
 */
import { sqliteAnnotatorStore, type AnnotatorStore } from './annotatorStore';
import { sqliteJobStore, type JobStore } from './jobStore';
import type { Db } from './projectDb';

export interface ProjectStores {
  annotators: AnnotatorStore;
  jobs: JobStore;
}

export function sqliteStores(db: Db): ProjectStores {
  return {
    annotators: sqliteAnnotatorStore(db),
    jobs: sqliteJobStore(db),
  };
}
