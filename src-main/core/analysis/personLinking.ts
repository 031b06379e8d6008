/**
 * The last step of an analysis: the video's face tracks are linked into persons (trackLinking.ts), the persons get
 * their numbers (personIds.ts, keeping those of a re-analysed video), and faces and persons rows are written in
 * one transaction that also marks the analysis finished. It reads everything from the project file, so a resumed
 * analysis links all its tracks again, those from before the interruption included. A track that never faced the
 * camera has no identity and stays unlinked (its faces have no person); a face turned away within a linked track
 * stays with that track's person.
 */
import type { PersonId, VideoId } from '../ids';
import { listTrackSightings, savedPreviousPersons } from '../store/analysisStore';
import { writeLinkedPersons } from '../store/personStore';
import type { Db } from '../store/projectDb';
import type { Box } from '../vision/faceRoi';
import { personIds, type LinkedPerson } from './personIds';
import { linkTracks, type TrackSummary } from './trackLinking';

export interface LinkingResult {
  tracks: number;
  persons: number;
  unlinkedTracks: number;
}

export function linkPersons(db: Db, videoId: VideoId, frameCount: number): LinkingResult {
  const sightings = listTrackSightings(db, videoId);
  const tracks = new Map<number, TrackSummary & { boxes: Map<number, Box> }>();
  for (const s of sightings) {
    let track = tracks.get(s.trackId);
    if (!track) tracks.set(s.trackId, (track = { trackId: s.trackId, frames: [], identities: [], boxes: new Map() }));
    track.frames.push(s.frameIndex);
    track.boxes.set(s.frameIndex, s.box);
    if (s.identity) track.identities.push(s.identity);
  }
  const groups = linkTracks([...tracks.values()]);
  const linked: LinkedPerson[] = groups.map((trackIds) => ({
    trackIds,
    boxes: new Map(trackIds.flatMap((t) => [...(tracks.get(t)?.boxes ?? [])])),
  }));
  const { persons, trackPersons } = personIds(linked, savedPreviousPersons(db, videoId), frameCount);
  const all = new Map<number, PersonId | null>([...tracks.keys()].map((t) => [t, trackPersons.get(t) ?? null]));
  writeLinkedPersons(db, videoId, all, persons);
  return { tracks: tracks.size, persons: linked.length, unlinkedTracks: [...all.values()].filter((p) => p === null).length };
}
