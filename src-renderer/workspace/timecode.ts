/** A presentation time as the viewer shows it: minutes, then seconds to the millisecond (0:04.963). */
export function formatTimecode(seconds: number): string {
  const m = Math.floor(seconds / 60);
  return `${m}:${(seconds - m * 60).toFixed(3).padStart(6, '0')}`;
}
