/**
 * Draws the whole timeline on one canvas: no DOM node per frame, and work per redraw bounded by the canvas
 * width (series are reduced to one min/max column per pixel), so it stays fluid at 100,000 frames.
 */
import { drawTimeRuler, RULER_ROW } from './timeRuler';
import { xOfFrame, type TimelineView } from './timelineView';

export interface SeriesPoint {
  frameIndex: number;
  valence: number;
  arousal: number;
}

export interface TimelineData {
  frameCount: number;
  /** Presentation time of each frame, seconds (the ruler's times). */
  ptsSec: readonly number[];
  /** Labels of the active annotator. */
  labels: readonly SeriesPoint[];
  /** Labels of other annotators (hollow markers); empty in blind mode. */
  otherLabels: readonly SeriesPoint[];
  /** Per-frame predicted mean and standard deviation, indexed by frame (NaN where there is none). */
  prediction: { valence: Float32Array; arousal: Float32Array; valenceSd: Float32Array; arousalSd: Float32Array } | null;
  /** Frames suggested for labelling next. */
  suggestions: readonly number[];
  /** 1 where the frame has no face (greyed), 0 otherwise; null before analysis. */
  noFace: Uint8Array | null;
  /** A lane per person where the video has several: where each is seen; clicking one picks that person. */
  persons: readonly PersonLane[];
  /** The chosen person's facial-action traces (values on [0, 1], NaN without a face), or why there are none. */
  actions: { lanes: readonly { label: string; values: Float32Array }[]; unavailable: string | null } | null;
}

export interface PersonLane {
  personId: number;
  name: string;
  colour: string;
  chosen: boolean;
  /** Runs of frames [first, last + 1) where the person is seen. */
  segments: readonly (readonly [number, number])[];
}

/** The video's thumbnail strip: tiles side by side in one image, each showing the frame in frameIndexes. */
export interface TimelineThumbnails {
  image: CanvasImageSource;
  tileWidth: number;
  tileHeight: number;
  frameIndexes: readonly number[];
}

/** Height of the thumbnail row above the lanes, when there are thumbnails. */
export const THUMBNAIL_ROW = 30;

export interface TimelineStyle {
  valence: string;
  arousal: string;
  band: (axis: 'valence' | 'arousal') => string;
  grid: string;
  text: string;
  noFace: string;
  playhead: string;
  suggestion: string;
}

export const TIMELINE_STYLE: TimelineStyle = {
  valence: '#0072b2',
  arousal: '#d55e00',
  band: (axis) => (axis === 'valence' ? 'rgba(0, 114, 178, 0.18)' : 'rgba(213, 94, 0, 0.18)'),
  grid: '#d9dce1',
  text: '#5b6474',
  noFace: 'rgba(29, 35, 48, 0.10)',
  playhead: '#1d2330',
  suggestion: '#009e73',
};

export const LANE_LABEL_WIDTH = 64;
/** Height of one person's lane, and of one facial-action lane (or of the line saying why there are none). */
export const PERSON_ROW = 14;
export const ACTION_ROW = 20;
/** The canvas height before person and action lanes: thumbnails, ruler and the two V/A lanes. */
const BASE_HEIGHT = 198;
/** What the V/A lanes give up (together) when action lanes are drawn, so the frame and label panel keep room at 768 px. */
const AFFECT_SHRINK = 24;
/** Okabe-Ito colours not taken by valence (blue) and arousal (vermilion), then two darker tones; trace i gets colour i. */
const ACTION_COLOURS = ['#009e73', '#cc79a7', '#56b4e9', '#e69f00', '#6a4c93', '#4d5566'] as const;

/** How tall the canvas is for this data: the V/A lanes keep their height, person and action lanes add theirs. */
export function timelineHeight(data: TimelineData): number {
  const actions = actionRows(data);
  return BASE_HEIGHT + personRows(data) * PERSON_ROW + actions * ACTION_ROW - (actions > 0 ? AFFECT_SHRINK : 0);
}

const personRows = (data: TimelineData) => (data.persons.length > 1 ? data.persons.length : 0);
const actionRows = (data: TimelineData) => (data.actions === null ? 0 : data.actions.unavailable !== null ? 1 : data.actions.lanes.length);

/** The person whose lane is at y (CSS pixels from the canvas top), or null. */
export function personAtY(data: TimelineData, y: number, withThumbnails: boolean): number | null {
  const row = Math.floor((y - (withThumbnails ? THUMBNAIL_ROW : 0) - RULER_ROW) / PERSON_ROW);
  return row >= 0 && row < personRows(data) ? (data.persons[row] as PersonLane).personId : null;
}
/** Room at both ends of the plot so the markers of the first and last frames are drawn whole. */
const END_PAD = 6;

/** Where frames are plotted on a canvas of this width: the one mapping the drawing and the pointer share. */
export function plotArea(width: number): { left: number; width: number } {
  return { left: LANE_LABEL_WIDTH + END_PAD, width: Math.max(1, width - LANE_LABEL_WIDTH - 2 * END_PAD) };
}
const AXES = ['valence', 'arousal'] as const;

export function drawTimeline(
  ctx: CanvasRenderingContext2D,
  size: { width: number; height: number },
  view: TimelineView,
  data: TimelineData,
  currentFrame: number,
  thumbnails: TimelineThumbnails | null = null,
  style: TimelineStyle = TIMELINE_STYLE,
): void {
  const { width } = size;
  ctx.clearRect(0, 0, width, size.height);
  const plot = plotArea(width);
  const plotWidth = plot.width;
  const toX = (frame: number) => plot.left + xOfFrame(view, frame, plotWidth);
  const rulerTop = thumbnails ? THUMBNAIL_ROW : 0;
  if (thumbnails) drawThumbnails(ctx, thumbnails, view, plot, data.frameCount, toX);
  ctx.save();
  ctx.translate(0, rulerTop);
  drawTimeRuler(ctx, view, data.ptsSec, plot, toX, currentFrame);
  ctx.restore();
  const personsTop = rulerTop + RULER_ROW;
  const top = personsTop + personRows(data) * PERSON_ROW;
  const actionsHeight = actionRows(data) * ACTION_ROW;
  const affectHeight = size.height - top - actionsHeight;
  ctx.save();
  ctx.translate(0, personsTop);
  drawPersonLanes(ctx, data, view, plot, toX, style);
  ctx.restore();
  ctx.save();
  ctx.translate(0, top);
  drawLanes(ctx, { width, height: affectHeight }, view, data, style, plot, toX);
  ctx.restore();
  if (data.actions) {
    ctx.save();
    ctx.translate(0, top + affectHeight);
    drawActionLanes(ctx, data.actions, { width, height: actionsHeight }, view, plot, style);
    ctx.restore();
  }
  drawPlayhead(ctx, view, currentFrame, toX, personsTop, size.height, style);
}

function drawPlayhead(ctx: CanvasRenderingContext2D, view: TimelineView, currentFrame: number, toX: (frame: number) => number, top: number, bottom: number, style: TimelineStyle): void {
  if (currentFrame < view.start || currentFrame > view.start + view.span) return;
  const x = Math.round(toX(currentFrame)) + 0.5;
  ctx.strokeStyle = style.playhead;
  ctx.lineWidth = 1.5;
  ctx.beginPath();
  ctx.moveTo(x, top);
  ctx.lineTo(x, bottom);
  ctx.stroke();
}

/** A thin bar per person where the video has several, coloured where they are seen (faded for the others). */
function drawPersonLanes(
  ctx: CanvasRenderingContext2D,
  data: TimelineData,
  view: TimelineView,
  plot: { left: number; width: number },
  toX: (frame: number) => number,
  style: TimelineStyle,
): void {
  if (personRows(data) === 0) return;
  ctx.textBaseline = 'middle';
  data.persons.forEach((person, row) => {
    const top = row * PERSON_ROW;
    ctx.fillStyle = person.chosen ? style.playhead : style.text;
    ctx.font = `${person.chosen ? '600 ' : ''}10px system-ui, sans-serif`;
    ctx.fillText(fitText(ctx, person.name, LANE_LABEL_WIDTH - 8), 6, top + PERSON_ROW / 2);
    ctx.fillStyle = '#e8ebf0';
    ctx.fillRect(plot.left, top + 2, plot.width, PERSON_ROW - 4);
    ctx.save();
    ctx.beginPath();
    ctx.rect(plot.left, top, plot.width, PERSON_ROW);
    ctx.clip();
    ctx.globalAlpha = person.chosen ? 1 : 0.45;
    ctx.fillStyle = person.colour;
    for (const [from, to] of person.segments) {
      if (to < view.start || from > view.start + view.span) continue;
      const x0 = toX(from);
      ctx.fillRect(x0, top + 2, Math.max(1, toX(to) - x0), PERSON_ROW - 4);
    }
    ctx.restore();
  });
}

/** The text, shortened with an ellipsis to fit `width` pixels in the current font. */
function fitText(ctx: CanvasRenderingContext2D, text: string, width: number): string {
  if (ctx.measureText(text).width <= width) return text;
  let cut = text;
  while (cut.length > 1 && ctx.measureText(`${cut}…`).width > width) cut = cut.slice(0, -1);
  return `${cut}…`;
}

/**
 * A lane per facial-action trace on [0, 1]: per pixel column the range of the frames under it (so a blink of a
 * few frames stays visible zoomed out) and their mean as a line; gaps where there is no face. When there are no
 * actions, one line says why.
 */
function drawActionLanes(
  ctx: CanvasRenderingContext2D,
  actions: NonNullable<TimelineData['actions']>,
  size: { width: number; height: number },
  view: TimelineView,
  plot: { left: number; width: number },
  style: TimelineStyle,
): void {
  ctx.strokeStyle = style.grid;
  ctx.lineWidth = 1;
  ctx.beginPath();
  ctx.moveTo(0, 0.5);
  ctx.lineTo(size.width, 0.5);
  ctx.stroke();
  if (actions.unavailable !== null) {
    ctx.textBaseline = 'middle';
    ctx.fillStyle = style.text;
    ctx.font = '600 10px system-ui, sans-serif';
    ctx.fillText('Actions', 6, ACTION_ROW / 2);
    ctx.font = 'italic 11px system-ui, sans-serif';
    ctx.fillText(actions.unavailable, plot.left, ACTION_ROW / 2);
    return;
  }
  actions.lanes.forEach((lane, row) => {
    const top = row * ACTION_ROW;
    const colour = ACTION_COLOURS[row % ACTION_COLOURS.length] as string;
    const toY = (value: number) => top + ACTION_ROW - 3 - Math.min(1, Math.max(0, value)) * (ACTION_ROW - 6);
    ctx.strokeStyle = style.grid;
    ctx.setLineDash([2, 3]);
    ctx.beginPath();
    ctx.moveTo(LANE_LABEL_WIDTH, Math.round(toY(0)) + 0.5);
    ctx.lineTo(size.width, Math.round(toY(0)) + 0.5);
    ctx.stroke();
    ctx.setLineDash([]);
    ctx.fillStyle = colour;
    ctx.font = '10px system-ui, sans-serif';
    ctx.textBaseline = 'middle';
    ctx.fillText(fitText(ctx, lane.label, LANE_LABEL_WIDTH - 6), 4, top + ACTION_ROW / 2);
    ctx.save();
    ctx.beginPath();
    ctx.rect(LANE_LABEL_WIDTH, top, plot.width + plot.left - LANE_LABEL_WIDTH, ACTION_ROW);
    ctx.clip();
    const { upper, lower, centre } = columnsOf(lane.values, view, plot.width);
    ctx.globalAlpha = 0.3;
    fillBand(ctx, plot.left, upper, lower, toY);
    ctx.globalAlpha = 1;
    ctx.strokeStyle = colour;
    ctx.lineWidth = 1.25;
    strokeColumns(ctx, plot.left, centre, toY);
    ctx.restore();
  });
}

/**
 * Per pixel column of the plot: the largest, smallest and mean value of the frames under it (NaN: none there).
 * With `spread` (a prediction's sd per frame) the largest and smallest are of value ± spread, clamped to [-1, 1].
 */
function columnsOf(values: Float32Array, view: TimelineView, plotWidth: number, spread?: Float32Array): { upper: Float32Array; lower: Float32Array; centre: Float32Array } {
  const columns = Math.max(1, Math.ceil(plotWidth));
  const upper = new Float32Array(columns).fill(NaN);
  const lower = new Float32Array(columns).fill(NaN);
  const centre = new Float32Array(columns).fill(NaN);
  const framesPerColumn = view.span / plotWidth;
  for (let px = 0; px < columns; px++) {
    const from = Math.max(0, Math.floor(view.start + px * framesPerColumn));
    const to = Math.min(values.length, Math.max(from + 1, Math.floor(view.start + (px + 1) * framesPerColumn)));
    let hi = -Infinity;
    let lo = Infinity;
    let sum = 0;
    let n = 0;
    for (let f = from; f < to; f++) {
      const v = values[f] as number;
      if (Number.isNaN(v)) continue;
      const s = spread ? (spread[f] as number) : 0;
      hi = Math.max(hi, v + s);
      lo = Math.min(lo, v - s);
      sum += v;
      n++;
    }
    if (n > 0) {
      upper[px] = spread ? Math.min(1, hi) : hi;
      lower[px] = spread ? Math.max(-1, lo) : lo;
      centre[px] = sum / n;
    }
  }
  return { upper, lower, centre };
}

/** The line through the columns' values, broken where a column has none. */
function strokeColumns(ctx: CanvasRenderingContext2D, left: number, values: Float32Array, toY: (value: number) => number): void {
  ctx.beginPath();
  let drawing = false;
  for (let px = 0; px < values.length; px++) {
    const value = values[px] as number;
    if (Number.isNaN(value)) {
      drawing = false;
      continue;
    }
    const x = left + px + 0.5;
    if (drawing) ctx.lineTo(x, toY(value));
    else ctx.moveTo(x, toY(value));
    drawing = true;
  }
  ctx.stroke();
}

function drawLanes(
  ctx: CanvasRenderingContext2D,
  size: { width: number; height: number },
  view: TimelineView,
  data: TimelineData,
  style: TimelineStyle,
  plot: { left: number; width: number },
  toX: (frame: number) => number,
): void {
  const { width, height } = size;
  const plotWidth = plot.width;
  const laneHeight = height / 2;

  ctx.save();
  ctx.beginPath();
  ctx.rect(LANE_LABEL_WIDTH, 0, plotWidth, height);
  ctx.clip();
  if (data.noFace) drawNoFace(ctx, data.noFace, view, plot, height, style);
  ctx.restore();

  AXES.forEach((axis, lane) => {
    const top = lane * laneHeight;
    const toY = (value: number) => top + ((1 - value) / 2) * (laneHeight - 8) + 4;
    drawLaneFrame(ctx, axis, top, laneHeight, width, toY, style);
    ctx.save();
    ctx.beginPath();
    ctx.rect(LANE_LABEL_WIDTH, top, plotWidth, laneHeight);
    ctx.clip();
    if (data.prediction) drawPrediction(ctx, data.prediction, axis, view, plot, toY, style);
    drawMarkers(ctx, data.otherLabels, axis, view, toX, toY, style[axis], false);
    drawMarkers(ctx, data.labels, axis, view, toX, toY, style[axis], true);
    ctx.restore();
  });

  ctx.fillStyle = style.suggestion;
  for (const frame of data.suggestions) {
    if (frame < view.start || frame > view.start + view.span) continue;
    const x = toX(frame);
    ctx.beginPath();
    ctx.moveTo(x - 5, 0);
    ctx.lineTo(x + 5, 0);
    ctx.lineTo(x, 8);
    ctx.fill();
  }

}

/**
 * Each tile shows the middle frame of its stretch of the video, so it spans from halfway to the previous tile's
 * frame to halfway to the next one; it is cropped to that slot so zooming never stretches it.
 */
function drawThumbnails(
  ctx: CanvasRenderingContext2D,
  thumbnails: TimelineThumbnails,
  view: TimelineView,
  plot: { left: number; width: number },
  frameCount: number,
  toX: (frame: number) => number,
): void {
  ctx.save();
  ctx.beginPath();
  ctx.rect(plot.left, 0, plot.width, THUMBNAIL_ROW - 2);
  ctx.clip();
  ctx.fillStyle = '#1d2330';
  ctx.fillRect(plot.left, 0, plot.width, THUMBNAIL_ROW - 2);
  const height = THUMBNAIL_ROW - 2;
  const drawnWidth = (thumbnails.tileWidth / thumbnails.tileHeight) * height;
  const frames = thumbnails.frameIndexes;
  frames.forEach((frame, tile) => {
    const previous = frames[tile - 1];
    const next = frames[tile + 1];
    const x0 = toX(previous === undefined ? 0 : (previous + frame) / 2);
    const x1 = toX(next === undefined ? frameCount : (frame + next) / 2);
    if (x1 < plot.left || x0 > plot.left + plot.width) return;
    const slot = Math.max(1, x1 - x0);
    // Repeat the tile across a wide slot (zoomed in), crop it in a narrow one.
    for (let x = x0; x < x1; x += drawnWidth) {
      const w = Math.min(drawnWidth, x1 - x);
      ctx.drawImage(thumbnails.image, tile * thumbnails.tileWidth, 0, (w / drawnWidth) * thumbnails.tileWidth, thumbnails.tileHeight, x, 0, w, height);
      if (slot <= drawnWidth) break;
    }
  });
  ctx.restore();
}

function drawLaneFrame(
  ctx: CanvasRenderingContext2D,
  axis: (typeof AXES)[number],
  top: number,
  laneHeight: number,
  width: number,
  toY: (value: number) => number,
  style: TimelineStyle,
): void {
  ctx.strokeStyle = style.grid;
  ctx.lineWidth = 1;
  for (const value of [1, 0, -1]) {
    const y = Math.round(toY(value)) + 0.5;
    ctx.setLineDash(value === 0 ? [] : [2, 3]);
    ctx.beginPath();
    ctx.moveTo(LANE_LABEL_WIDTH, y);
    ctx.lineTo(width, y);
    ctx.stroke();
  }
  ctx.setLineDash([]);
  ctx.fillStyle = style[axis];
  ctx.font = '600 12px system-ui, sans-serif';
  ctx.textBaseline = 'middle';
  ctx.fillText(axis === 'valence' ? 'Valence' : 'Arousal', 6, top + laneHeight / 2);
  ctx.fillStyle = style.text;
  ctx.font = '10px system-ui, sans-serif';
  ctx.fillText('+1', LANE_LABEL_WIDTH - 18, toY(1) + 4);
  ctx.fillText('−1', LANE_LABEL_WIDTH - 18, toY(-1) - 4);
}

/** One column per pixel: the grey spans of frames without a face. */
function drawNoFace(
  ctx: CanvasRenderingContext2D,
  noFace: Uint8Array,
  view: TimelineView,
  plot: { left: number; width: number },
  height: number,
  style: TimelineStyle,
): void {
  ctx.fillStyle = style.noFace;
  const plotWidth = plot.width;
  const columns = Math.ceil(plotWidth);
  let runStart = -1;
  for (let px = 0; px <= columns; px++) {
    const frame = Math.floor(view.start + (px / plotWidth) * view.span);
    const empty = px < columns && frame < noFace.length && noFace[frame] === 1;
    if (empty && runStart < 0) runStart = px;
    if (!empty && runStart >= 0) {
      ctx.fillRect(plot.left + runStart, 0, px - runStart, height);
      runStart = -1;
    }
  }
}

/** Mean line and ±1 sd band, reduced to min/max per pixel column so the cost does not grow with frames. */
function drawPrediction(
  ctx: CanvasRenderingContext2D,
  prediction: NonNullable<TimelineData['prediction']>,
  axis: (typeof AXES)[number],
  view: TimelineView,
  plot: { left: number; width: number },
  toY: (value: number) => number,
  style: TimelineStyle,
): void {
  const mean = axis === 'valence' ? prediction.valence : prediction.arousal;
  const sd = axis === 'valence' ? prediction.valenceSd : prediction.arousalSd;
  const { upper, lower, centre } = columnsOf(mean, view, plot.width, sd);
  ctx.fillStyle = style.band(axis);
  fillBand(ctx, plot.left, upper, lower, toY);
  ctx.strokeStyle = style[axis];
  ctx.lineWidth = 1.5;
  strokeColumns(ctx, plot.left, centre, toY);
}

function fillBand(ctx: CanvasRenderingContext2D, left: number, upper: Float32Array, lower: Float32Array, toY: (value: number) => number): void {
  let px = 0;
  while (px < upper.length) {
    while (px < upper.length && Number.isNaN(upper[px] as number)) px++;
    const start = px;
    while (px < upper.length && !Number.isNaN(upper[px] as number)) px++;
    if (px === start) continue;
    ctx.beginPath();
    for (let i = start; i < px; i++) ctx.lineTo(left + i + 0.5, toY(upper[i] as number));
    for (let i = px - 1; i >= start; i--) ctx.lineTo(left + i + 0.5, toY(lower[i] as number));
    ctx.closePath();
    ctx.fill();
  }
}

function drawMarkers(
  ctx: CanvasRenderingContext2D,
  points: readonly SeriesPoint[],
  axis: (typeof AXES)[number],
  view: TimelineView,
  toX: (frame: number) => number,
  toY: (value: number) => number,
  colour: string,
  filled: boolean,
): void {
  const end = view.start + view.span;
  // Dense traces (live mode) become a line; sparse anchor labels stay visible as dots.
  const visible = points.filter((p) => p.frameIndex >= view.start - 1 && p.frameIndex <= end + 1);
  const pixelsPerFrame = (toX(1) - toX(0));
  const asLine = visible.length > 1 && visible.length > 400;
  ctx.strokeStyle = colour;
  ctx.fillStyle = filled ? colour : '#ffffff';
  ctx.lineWidth = filled ? 1.5 : 1;
  if (asLine) {
    ctx.beginPath();
    visible.forEach((p, i) => (i === 0 ? ctx.moveTo(toX(p.frameIndex), toY(p[axis])) : ctx.lineTo(toX(p.frameIndex), toY(p[axis]))));
    ctx.stroke();
    return;
  }
  const radius = filled ? (pixelsPerFrame > 6 ? 4.5 : 3.5) : 3;
  for (const p of visible) {
    ctx.beginPath();
    ctx.arc(toX(p.frameIndex), toY(p[axis]), radius, 0, Math.PI * 2);
    ctx.fill();
    ctx.stroke();
  }
}
