/**
 * One colour per person of a video, the same in the frame, the picker, the persons panel and the timeline lanes.
 * Okabe-Ito's palette: told apart with the common colour-vision deficiencies too.
 */
const PALETTE = ['#e69f00', '#56b4e9', '#009e73', '#f0e442', '#cc79a7', '#d55e00', '#0072b2'] as const;

export function personColour(personId: number): string {
  return PALETTE[(personId - 1) % PALETTE.length] as string;
}
