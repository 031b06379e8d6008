/**
 * The study report use case: gathers what a methods section needs (videos, frames, raters and their labels,
 * agreement between the chosen raters (default the human annotators) with intervals and plots, the model and its
 * held-back score per video and annotator, the studio version), renders it as one HTML file
 * (core/io/studyReport.ts) and writes it under the exports' rules (core/io/exportTarget.ts: only into an existing
 * folder, never over a file the studio did not write, atomically), so the window's button and `affect-studio
 * report` write the same file.
 */
import { appVersion } from '../appVersion';
import { MIN_HELD_BACK_LABELS } from '../affect/heldBack';
import { PRIOR_HEAD_CARD } from '../affect/priorHead';
import type { AnnotatorId, PersonId, VideoId } from '../ids';
import { writeExport } from '../io/exportTarget';
import { studyReportHtml, type StudyReportData } from '../io/studyReport';
import type { RaterRef } from '../affect/projectAgreement';
import { traceStatistics, type ActionSummary } from '../io/actionReport';
import { personTraces } from './actions';
import { agreementReport, agreementTraces } from './agreement';
import { videoHeldBackScore } from './models';
import type { ProjectContext } from './projectContext';

export interface ReportTarget {
  folder: string;
  name: string;
  overwrite: boolean;
}

/** Writes the report (agreement between `raters`, default the human annotators) and returns its path. */
export async function writeStudyReport(project: ProjectContext, projectName: string, target: ReportTarget, raters?: readonly RaterRef[]): Promise<string> {
  const html = studyReportHtml(await studyReportData(project, projectName, raters));
  const [written] = writeExport({ ...target, ledger: project.exportLedger }, [{ name: '', data: html }], 'file');
  return written as string;
}

export async function studyReportData(project: ProjectContext, projectName: string, raters?: readonly RaterRef[]): Promise<StudyReportData> {
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
  const agreement = await agreementReport(project, { raters });
  const traces = [];
  for (const video of agreement.videos.filter((v) => v.frames > 0)) {
    const record = videos.find((v) => v.id === video.videoId);
    traces.push({ videoId: video.videoId, name: video.name, durationSec: record?.durationSec ?? 0, traces: await agreementTraces(project, video.videoId as VideoId, raters, video.personId as PersonId) });
  }
  const heldBack = [];
  for (const pair of heldBackPairs) {
    const { score, labels } = await videoHeldBackScore(project, pair.videoId, pair.personId, pair.annotatorId);
    heldBack.push({ video: pair.video, annotator: pair.annotator, labels, minimum: MIN_HELD_BACK_LABELS, score });
  }
  const actions: ActionSummary[] = [];
  for (const video of videos.filter((v) => analysed.has(v.id))) {
    for (const person of await project.stores.persons.list(video.id)) {
      const result = await personTraces(project, video.id, person.personId);
      if (result.unavailable !== null) break;
      const traces = result.traces.map((t) => ({ label: t.definition.label, values: t.values, ...traceStatistics(t.values) }));
      if (traces.some((t) => t.frames > 0)) actions.push({ video: video.displayName, person: person.name, durationSec: video.durationSec, traces });
    }
  }
  const active = (await project.stores.models.headVersions()).find((head) => head.active);
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
      head: active ? { name: active.name, version: active.version, trained: true } : { name: PRIOR_HEAD_CARD.name, version: PRIOR_HEAD_CARD.version, trained: false },
      heldBack,
    },
    actions,
  };
}
