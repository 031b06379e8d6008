/** A project's videos and jobs: import, list, relink, frames for the viewer, thumbnails, job control. */
import { cancelJob, listJobs } from '../../core/app/jobs';
import type { JobId, VideoId } from '../../core/ids';
import { checkImportPaths, findUnfinishedImport, IMPORT_JOB } from '../../core/ingest/importJob';
import { relinkVideo } from '../../core/ingest/relink';
import { frameTimes, listProjectVideos, readViewerFrames, thumbnailStrip } from '../../core/ingest/videoAccess';
import type { Handlers } from '../dispatcher';
import type { ApiServices } from '../handlers';

export function videoHandlers({ sessions, events }: ApiServices) {
  return {
    'videos.list': ({ project }) => listProjectVideos(sessions.get(project)),
    'videos.import': ({ project, paths, analyze }) => {
      const session = sessions.get(project);
      const targets = checkImportPaths(paths);
      // As in the CLI: the same import asked for again while it is still to finish is that import, not a second.
      return { jobId: findUnfinishedImport(session.jobs, targets) ?? session.jobs.enqueue(IMPORT_JOB, { paths: targets, analyze: analyze ?? true }) };
    },
    'videos.relink': async ({ project, videoId, path }) => {
      const session = sessions.get(project);
      await relinkVideo(session, videoId as VideoId, path);
      events.emit('data.changed', { entity: 'videos', projectPath: session.dir });
      return listProjectVideos(session).find((video) => video.id === videoId) as ReturnType<typeof listProjectVideos>[number];
    },
    'videos.frameTimes': ({ project, videoId }) => ({ ptsSec: frameTimes(sessions.get(project), videoId as VideoId) }),
    'videos.frames': async ({ project, videoId, fromFrame, count, maxWidth, maxHeight }) => {
      const decoded = await readViewerFrames(sessions.get(project), videoId as VideoId, fromFrame, count, maxWidth, maxHeight);
      return {
        width: decoded.width,
        height: decoded.height,
        frames: decoded.frames.map(({ frameIndex, ptsSec, jpeg }) => ({ frameIndex, ptsSec, jpegBase64: jpeg.toString('base64') })),
      };
    },
    'videos.thumbnails': ({ project, videoId }) => {
      const strip = thumbnailStrip(sessions.get(project), videoId as VideoId);
      return strip && { tileWidth: strip.tileWidth, tileHeight: strip.tileHeight, frameIndexes: strip.frameIndexes, jpegBase64: strip.jpeg.toString('base64') };
    },
    'jobs.list': async ({ project }) => {
      const session = sessions.get(project);
      return (await listJobs(session)).map((job) => ({ ...job, projectPath: session.dir, ratePerSec: null, etaSec: null }));
    },
    'jobs.cancel': async ({ project, jobId }) => {
      await cancelJob(sessions.get(project), jobId as JobId);
      return {};
    },
  } satisfies Partial<Handlers>;
}
