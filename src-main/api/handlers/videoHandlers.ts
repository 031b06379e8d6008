/** A project's videos and jobs: import, list, relink, frames for the viewer, thumbnails, sound, job control. */
import { cancelJob, listJobs } from '../../core/app/jobs';
import type { JobId, VideoId } from '../../core/ids';
import { frameTimes, listVideos, relinkVideo, requestImport, thumbnails, videoSound, videoSourceFile, viewerFrames } from '../../core/app/videos';
import type { Handlers } from '../dispatcher';
import type { ApiServices } from '../handlers';

export function videoHandlers({ sessions, events, media }: ApiServices) {
  return {
    'videos.list': ({ project }) => listVideos(sessions.get(project)),
    'videos.import': async ({ project, paths, analyze }) => ({ jobId: await requestImport(sessions.get(project), paths, analyze ?? true) }),
    'videos.relink': async ({ project, videoId, path }) => {
      const session = sessions.get(project);
      const relinked = await relinkVideo(session, videoId as VideoId, path);
      events.emit('data.changed', { entity: 'videos', projectPath: session.dir });
      return relinked;
    },
    'videos.frameTimes': async ({ project, videoId }) => ({ ptsSec: await frameTimes(sessions.get(project), videoId as VideoId) }),
    'videos.frames': async ({ project, videoId, fromFrame, count, maxWidth, maxHeight }) => {
      const decoded = await viewerFrames(sessions.get(project), videoId as VideoId, fromFrame, count, maxWidth, maxHeight);
      return {
        width: decoded.width,
        height: decoded.height,
        frames: decoded.frames.map(({ frameIndex, ptsSec, jpeg }) => ({ frameIndex, ptsSec, jpegBase64: jpeg.toString('base64') })),
      };
    },
    'videos.thumbnails': async ({ project, videoId }) => {
      const strip = await thumbnails(sessions.get(project), videoId as VideoId);
      return strip && { tileWidth: strip.tileWidth, tileHeight: strip.tileHeight, frameIndexes: strip.frameIndexes, jpegBase64: strip.jpeg.toString('base64') };
    },
    'videos.sound': async ({ project, videoId }) => {
      const sound = await videoSound(sessions.get(project), videoId as VideoId);
      if (sound.kind === 'none') return sound;
      return { kind: 'audio' as const, url: media.publish(sound.file), offsetSec: sound.offsetSec, durationSec: sound.durationSec };
    },
    'videos.source': async ({ project, videoId }) => {
      const file = await videoSourceFile(sessions.get(project), videoId as VideoId);
      return { url: file === null ? null : media.publish(file) };
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
