/**
 * The study report use case: gathers what a methods section needs (videos, frames, raters and their labels,
 * agreement between the chosen raters (default the human annotators) with intervals and plots, each rater's model
 * and its held-back score per video, the studio version), renders it as one HTML file (core/io/studyReport.ts)
 * and writes it under the exports' rules (core/io/exportTarget.ts: only into an existing folder, never over a file
 * the studio did not write, atomically). It runs as the "report" job (the held-back scores take seconds each),
 * with progress and cancel, so the window's button and `affect-studio report` write the same file the same way.
 */
import type { z } from 'zod';
import { appVersion } from '../appVersion';
import { MIN_HELD_BACK_LABELS } from '../affect/heldBack';
import { PRIOR_HEAD_CARD } from '../affect/priorHead';
import type { AnnotatorId, JobId, PersonId, VideoId } from '../ids';
import { checkReplaceable, resolveExportBase, writeExport } from '../io/exportTarget';
import { studyReportHtml, type StudyReportData } from '../io/studyReport';
import { REPORT_JOB, type JobParams, type JobResult } from '../jobs/jobKinds';
import type { JobHandler } from '../jobs/jobRunner';
import type { RaterRef } from '../affect/projectAgreement';
import { resolveUserPath } from '../paths/userPath';
import { traceStatistics, type ActionSummary } from '../io/actionReport';
import { personTraces } from './actions';
import { agreementReport, agreementTraces } from './agreement';
import { videoHeldBackScore } from './models';
import type { ProjectContext } from './projectContext';

export { REPORT_JOB };
export type ReportRequest = z.input<typeof REPORT_JOB.params>;
type ReportParams = JobParams<typeof REPORT_JOB>;

/**
 * Queues the report after the checks that can refuse it at once (the folder exists, the name is a plain name, a
 * file there is the studio's own and overwriting was asked for); the job checks again when it writes. A read-only
 * project can still be reported on: its job is kept in memory.
 */
export function startStudyReport(project: ProjectContext, request: ReportRequest): JobId {
  const params = REPORT_JOB.params.parse({ ...request, folder: resolveUserPath(request.folder) });
  const target = { ...params, ledger: project.exportLedger };
  checkReplaceable(target, [resolveExportBase(target).base]);
  return project.jobs.enqueue(REPORT_JOB, params, { inMemory: project.access.mode === 'read-only' });
}

/** The "report" job: one step per held-back score, then the agreement and the file; cancel stops between steps. */
export function reportJobHandler(project: ProjectContext, projectName: () => string): JobHandler<ReportParams, never, JobResult<typeof REPORT_JOB>> {
  return async (params, context) => {
    const data = await studyReportData(project, projectName(), params.raters, {
      signal: context.signal,
      progress: (done, total) => context.progress(done, total, done === 0 ? 'Computing the agreement' : 'Scoring the model on each rater\'s labels'),
    });
    const [written] = writeExport({ ...params, ledger: project.exportLedger }, [{ name: '', data: studyReportHtml(data) }], 'file');
    return { path: written as string };
  };
}

/** Where a long gathering reports its steps and learns it was cancelled. */
interface Steps {
  signal?: AbortSignal;
  progress?: (done: number, total: number) => void;
}

export async function studyReportData(project: ProjectContext, projectName: string, raters?: readonly RaterRef[], steps: Steps = {}): Promise<StudyReportData> {
  const videos = (await project.stores.videos.list()).filter((video) => video.status === 'ready');
  const annotators = await project.stores.annotators.list();
  const analysed = new Set<VideoId>();
  const labelCounts = new Map<AnnotatorId, { labels: number; videos: Set<VideoId> }>();
  /** Per video, the persons each annotator labelled there: a held-back score is per video, person and annotator. */
  const labelledPersons = new Map<string, Set<PersonId>>();
  const heldBackPairs: { videoId: VideoId; video: string; personId: PersonId; annotatorId: AnnotatorId; annotator: string }[] = [];
  for (const video of videos) {
    if ((await project.stores.analysis.get(video.id))?.finishedAt) analysed.add(video.id);
    for (const label of await project.stores.annotators.layers(video.id)) {
      const count = labelCounts.get(label.annotatorId) ?? { labels: 0, videos: new Set<VideoId>() };
      count.labels++;
      count.videos.add(video.id);
      labelCounts.set(label.annotatorId, count);
      const key = `${video.id}/${label.annotatorId}`;
      labelledPersons.set(key, (labelledPersons.get(key) ?? new Set<PersonId>()).add(label.personId));
    }
  }
  const labelled = annotators.filter((a) => labelCounts.has(a.id));
  for (const video of videos.filter((v) => analysed.has(v.id))) {
    for (const annotator of labelled.filter((a) => a.kind === 'human' && labelCounts.get(a.id)?.videos.has(video.id))) {
      const persons = [...(labelledPersons.get(`${video.id}/${annotator.id}`) ?? [])].sort((a, b) => a - b);
      for (const personId of persons) {
        const name = persons.length > 1 ? `${video.displayName} · person ${personId}` : video.displayName;
        heldBackPairs.push({ videoId: video.id, video: name, personId, annotatorId: annotator.id, annotator: annotator.name });
      }
    }
  }
  // Steps: the agreement with its traces, then each held-back score.
  const total = heldBackPairs.length + 1;
  steps.progress?.(0, total);
  const agreement = await agreementReport(project, { raters });
  const traces = [];
  for (const video of agreement.videos.filter((v) => v.frames > 0)) {
    const record = videos.find((v) => v.id === video.videoId);
    traces.push({ videoId: video.videoId, name: video.name, durationSec: record?.durationSec ?? 0, traces: await agreementTraces(project, video.videoId as VideoId, raters, video.personId as PersonId) });
  }
  const heldBack = [];
  steps.progress?.(1, total);
  for (const pair of heldBackPairs) {
    steps.signal?.throwIfAborted();
    const { score, labels } = await videoHeldBackScore(project, pair.videoId, pair.personId, pair.annotatorId);
    heldBack.push({ video: pair.video, annotator: pair.annotator, labels, minimum: MIN_HELD_BACK_LABELS, score });
    steps.progress?.(heldBack.length + 1, total);
  }
  const trainedHeads = (await project.stores.models.headVersions())
    .filter((head) => head.active && head.trainedBy.length === 1)
    .map((head) => ({ rater: head.trainedBy[0] as string, name: head.name, version: head.version }));
  const actions: ActionSummary[] = [];
  for (const video of videos.filter((v) => analysed.has(v.id))) {
    for (const person of await project.stores.persons.list(video.id)) {
      const result = await personTraces(project, video.id, person.personId);
      if (result.unavailable !== null) break;
      const traces = result.traces.map((t) => ({ label: t.definition.label, values: t.values, ...traceStatistics(t.values) }));
      if (traces.some((t) => t.frames > 0)) actions.push({ video: video.displayName, person: person.name, durationSec: video.durationSec, traces });
    }
  }
  return {
    projectName,
    studioVersion: appVersion(),
    generatedAt: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    videos: videos.map((v) => ({ id: v.id, name: v.displayName, frames: v.frameCount, durationSec: v.durationSec, analysed: analysed.has(v.id) })),
    raters: labelled.map((a) => ({ name: a.name, kind: a.kind, labels: labelCounts.get(a.id)?.labels ?? 0, videos: labelCounts.get(a.id)?.videos.size ?? 0 })),
    agreement,
    traces,
    model: {
      encoders: (await project.stores.models.encoders()).map((e) => ({ name: e.name, version: e.version, sha256: e.sha256 })),
      prior: { name: PRIOR_HEAD_CARD.name, version: PRIOR_HEAD_CARD.version },
      trainedHeads,
      heldBack,
    },
    actions,
  };
}
