/**
 * Where the user is (project, video) lives in the URL hash, so a reload, or a crash and restart of the
 * page, returns to the same place instead of the start screen.
 */
export interface Place {
  project: string | null;
  video: number | null;
}

export function readPlace(hash: string = window.location.hash): Place {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  const video = Number(params.get('video'));
  return { project: params.get('project'), video: Number.isInteger(video) && video > 0 ? video : null };
}

export function writePlace(place: Place): void {
  const params = new URLSearchParams();
  if (place.project) params.set('project', place.project);
  if (place.project && place.video) params.set('video', String(place.video));
  const hash = params.toString();
  window.history.replaceState(null, '', hash ? `#${hash}` : window.location.pathname + window.location.search);
}
