/** The lookups use cases start with: the video or annotator a request names, or a message saying it does not exist. */
import { StudioError } from '../errors';
import type { AnnotatorId, VideoId } from '../ids';
import type { Annotator } from '../store/annotatorStore';
import type { VideoRecord } from '../store/videoStore';
import type { ProjectContext } from './projectContext';

export async function requireVideo(project: ProjectContext, videoId: VideoId): Promise<VideoRecord> {
  const video = await project.stores.videos.get(videoId);
  if (!video) throw new StudioError(`This project has no video ${videoId}.`);
  return video;
}

export async function requireAnnotator(project: ProjectContext, annotatorId: AnnotatorId): Promise<Annotator> {
  const annotator = await project.stores.annotators.get(annotatorId);
  if (!annotator) throw new StudioError(`This project has no annotator ${annotatorId}.`);
  return annotator;
}
