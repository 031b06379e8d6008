/**
 * The seam between the application layer and storage (issue 13): one store per aggregate (videos, persons,
 * labels, annotators, analysis, predictions, jobs), each method a whole transaction that returns a promise, so a lab
 * server can later put an asynchronous database (PostgreSQL) behind the same use cases without touching them.
 *
 * The SQLite implementation wraps the synchronous table modules beside this file. Workflows below the
 * application layer (jobs, engines' loaders) may still call those synchronous functions directly: they run in
 * the process that owns the project file.
 */
import { sqliteAnalysisStore, type AnalysisStore } from './analysisStore';
import { sqliteAnnotatorStore, type AnnotatorStore } from './annotatorStore';
import { sqliteModelStore, type ModelStore } from './modelStore';
import { sqliteLabelStore, type LabelStore } from './labelStore';
import { sqlitePersonStore, type PersonStore } from './personStore';
import { sqlitePredictionStore, type PredictionStore } from './predictionStore';
import { sqliteJobStore, type JobStore } from './jobStore';
import type { Db } from './projectDb';
import { sqliteVideoStore, type VideoStore } from './videoStore';

export interface ProjectStores {
  annotators: AnnotatorStore;
  videos: VideoStore;
  persons: PersonStore;
  analysis: AnalysisStore;
  models: ModelStore;
  labels: LabelStore;
  predictions: PredictionStore;
  jobs: JobStore;
}

export function sqliteStores(db: Db): ProjectStores {
  return {
    annotators: sqliteAnnotatorStore(db),
    videos: sqliteVideoStore(db),
    persons: sqlitePersonStore(db),
    analysis: sqliteAnalysisStore(db),
    models: sqliteModelStore(db),
    labels: sqliteLabelStore(db),
    predictions: sqlitePredictionStore(db),
    jobs: sqliteJobStore(db),
  };
}
