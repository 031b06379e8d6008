/**
 * Person numbers that do not move (issue 14). A first analysis numbers the persons it links 1, 2, ... by first
 * appearance. A re-analysis (new models, new settings) links afresh, and its persons must get the old numbers back,
 * or a person's labels would silently become someone else's: each old person is matched to the new person whose
 * face is where the old one's was on its labelled frames (boxes overlapping, IoU >= 0.5), the pair with the most
 * such frames first, one to one. An old person that had labels but never a face (labelled before any analysis) is
 * matched to the new person seen on most of its labelled frames. An old person with labels that matches nobody
 * keeps its number, name and labels with no faces (nothing is handed to anyone); new persons that match nobody get
 * numbers above every old one, so no number is ever reused for somebody else.
 */
import type { PersonId } from '../ids';
import type { PersonRow, PreviousPerson } from '../store/personStore';
import { boxIou, type Box } from '../vision/faceRoi';

/** The same place on a labelled frame: the boxes of one face in two analyses overlap far more than this. */
const SAME_PLACE_IOU = 0.5;
/**
 * A person is coded by default when visible on at least this share of the video's frames (or is the one seen
 * most): the people an interaction is about, not passers-by or a face in the background.
 */
export const CODED_MIN_SHARE = 0.1;

export interface LinkedPerson {
  trackIds: number[];
  /** Its box on every frame it is visible on. */
  boxes: Map<number, Box>;
}

export function personIds(
  linked: readonly LinkedPerson[],
  previous: readonly PreviousPerson[],
  frameCount: number,
): { persons: PersonRow[]; trackPersons: Map<number, PersonId> } {
  const votes: { old: number; fresh: number; count: number }[] = [];
  previous.forEach((p, old) => {
    linked.forEach((person, fresh) => {
      const count =
        p.anchors.length > 0
          ? p.anchors.filter((a) => {
              const box = person.boxes.get(a.frameIndex);
              return box !== undefined && boxIou(box, a.box) >= SAME_PLACE_IOU;
            }).length
          : p.labelledFrames.filter((f) => person.boxes.has(f)).length;
      if (count > 0) votes.push({ old, fresh, count });
    });
  });
  votes.sort((a, b) => b.count - a.count || a.old - b.old || a.fresh - b.fresh);
  const matchOf = new Map<number, PreviousPerson>();
  const matchedOld = new Set<number>();
  for (const v of votes) {
    if (matchOf.has(v.fresh) || matchedOld.has(v.old)) continue;
    matchOf.set(v.fresh, previous[v.old] as PreviousPerson);
    matchedOld.add(v.old);
  }

  let nextId = Math.max(0, ...previous.map((p) => p.personId)) + 1;
  const mostSeen = linked.reduce((best, p, i) => (p.boxes.size > (linked[best]?.boxes.size ?? -1) ? i : best), 0);
  const persons: PersonRow[] = [];
  const trackPersons = new Map<number, PersonId>();
  linked.forEach((person, i) => {
    const old = matchOf.get(i);
    const row: PersonRow = old
      ? { personId: old.personId, name: old.name, coded: old.coded }
      : { personId: nextId as PersonId, name: `Person ${nextId++}`, coded: i === mostSeen || person.boxes.size >= CODED_MIN_SHARE * frameCount };
    persons.push(row);
    for (const t of person.trackIds) trackPersons.set(t, row.personId);
  });
  previous.forEach((p, old) => {
    if (!matchedOld.has(old) && p.labelled) persons.push({ personId: p.personId, name: p.name, coded: p.coded });
  });
  return { persons: persons.sort((a, b) => a.personId - b.personId), trackPersons };
}
