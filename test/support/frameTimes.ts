/** A video's frame index as an import makes it (one probe, then the indexing decode), for tests that need one. */
import { indexFrames, type FrameTime, type IndexFramesOptions } from '../../src-main/core/media/frameIndex';
import { probeMedia } from '../../src-main/core/media/probe';

export async function frameTimesOf(file: string, opts: IndexFramesOptions = {}): Promise<FrameTime[]> {
  return (await indexFrames(file, await probeMedia(file), opts)).frames;
}
