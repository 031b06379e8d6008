/**
 * Use cases for the persons of a video (issue 14): list them, name them, choose which are coded, merge two that
 * analysis kept apart, split one it joined wrongly, find the person whose face is at a point of a frame, and
 * what the frame and timeline show of them (their boxes on a frame, where each is seen).
 * Every per-person use case elsewhere finds its person through `personOf` or `chosenPerson`, so a wrong person id
 * gets the same message everywhere. A merge or split changes whose faces feed the predictions: the predictor is
 * told, and the runs of the persons involved were dropped with it (personStore.ts).
 */
import { StudioError } from '../errors';
import type { PersonId, VideoId } from '../ids';
import type { FaceSelection, FramePersonBoxes } from '../store/analysisStore';
import { describePersons, type Person, type PersonChange } from '../store/personStore';
import type { ProjectContext } from './projectContext';
import { videoOf } from './videos';

export type { Person, PersonChange };

export async function listPersons(project: ProjectContext, videoId: VideoId): Promise<Person[]> {
  await videoOf(project, videoId);
  return project.stores.persons.list(videoId);
}

/** The person, or a StudioError naming the video's persons. */
export async function personOf(project: ProjectContext, videoId: VideoId, personId: PersonId): Promise<Person> {
  const video = await videoOf(project, videoId);
  const persons = await project.stores.persons.list(videoId);
  const person = persons.find((p) => p.personId === personId);
  if (!person) throw new StudioError(`${video.displayName} (video ${videoId}) has no person ${personId}; its persons are ${describePersons(persons)}.`);
  return person;
}

/**
 * The person named, else the video's only person; with several and none named, a StudioError naming them (a
 * batch command must not guess whom a label is about).
 */
export async function chosenPerson(project: ProjectContext, videoId: VideoId, personId: PersonId | undefined): Promise<Person> {
  if (personId !== undefined) return personOf(project, videoId, personId);
  const video = await videoOf(project, videoId);
  const persons = await project.stores.persons.list(videoId);
  if (persons.length === 1) return persons[0] as Person;
  throw new StudioError(`${video.displayName} (video ${videoId}) has ${persons.length} persons: ${describePersons(persons)}; choose one (--person ID on the command line).`);
}

const MAX_NAME = 100;

export async function renamePerson(project: ProjectContext, videoId: VideoId, personId: PersonId, name: string): Promise<Person> {
  const trimmed = name.trim();
  if (trimmed === '') throw new StudioError('A person needs a name (it is blank).');
  if (trimmed.length > MAX_NAME) throw new StudioError(`A person's name has at most ${MAX_NAME} characters; this one has ${trimmed.length}.`);
  await personOf(project, videoId, personId);
  return project.stores.persons.rename(videoId, personId, trimmed);
}

/** Whether the person is coded (labelled); persons not coded stay in the video, their faces shown greyed. */
export async function choosePerson(project: ProjectContext, videoId: VideoId, personId: PersonId, coded: boolean): Promise<Person> {
  await personOf(project, videoId, personId);
  return project.stores.persons.setCoded(videoId, personId, coded);
}

/** `from` joins `into` with its faces and labels; refused, changing nothing, where both have a label on a frame. */
export async function mergePersons(project: ProjectContext, videoId: VideoId, into: PersonId, from: PersonId): Promise<PersonChange> {
  await personOf(project, videoId, into);
  await personOf(project, videoId, from);
  const change = await project.stores.persons.merge(videoId, into, from);
  project.predictor.reset();
  return change;
}

/** The person's faces from a frame on, or of one track, become a new person with the labels on those frames. */
export async function splitPerson(
  project: ProjectContext,
  videoId: VideoId,
  personId: PersonId,
  selection: FaceSelection,
): Promise<PersonChange & { newPersonId: PersonId }> {
  const video = await videoOf(project, videoId);
  if ('fromFrame' in selection && selection.fromFrame >= video.frameCount) {
    throw new StudioError(`${video.displayName} has ${video.frameCount} frames (0-${video.frameCount - 1}); frame ${selection.fromFrame} does not exist.`);
  }
  await personOf(project, videoId, personId);
  const change = await project.stores.persons.split(videoId, personId, selection);
  project.predictor.reset();
  return change;
}

/** Whose face is at (x, y) of the frame (video pixels), for picking a person by clicking their face; null: nobody's. */
export async function personAt(project: ProjectContext, videoId: VideoId, frameIndex: number, x: number, y: number): Promise<PersonId | null> {
  const video = await videoOf(project, videoId);
  if (frameIndex >= video.frameCount) {
    throw new StudioError(`${video.displayName} has ${video.frameCount} frames (0-${video.frameCount - 1}); frame ${frameIndex} does not exist.`);
  }
  return project.stores.analysis.personAt(videoId, frameIndex, x, y);
}

/**
 * Each person's face box (video pixels) on the frames `fromFrame` to `fromFrame + count`, for drawing who is who:
 * a chunk at a time, so playback can fetch them ahead as it fetches frames. Frames with nobody are left out.
 */
export async function personBoxes(project: ProjectContext, videoId: VideoId, fromFrame: number, count: number): Promise<FramePersonBoxes[]> {
  await videoOf(project, videoId);
  return project.stores.analysis.personBoxesBetween(videoId, fromFrame, fromFrame + count);
}

/** Where each person is seen, as runs of frames [first, last + 1), for a timeline lane per person. */
export async function personVisibility(project: ProjectContext, videoId: VideoId): Promise<{ personId: PersonId; segments: [number, number][] }[]> {
  await videoOf(project, videoId);
  return project.stores.analysis.personVisibility(videoId);
}
