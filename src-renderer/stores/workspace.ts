import { defineStore } from 'pinia';
import type { ActionTrace, Annotator, FaceFrame, FrameSuggestion, Label, Person, VideoSummary } from '../../src-main/api/contract';
import { decodePredictions, type Predictions } from '../api/predictionCodec';
import { decodeTraces, type ActionLane } from '../api/traceCodec';
import { studio } from '../api/studio';
import { reportFailure } from './reportFailure';
import { commitOf, draftFor, draftValue, followFrame, nudgeDraft, setDraft, type Draft, type FrameFacts } from '../workspace/draftEntry';
import { BoxesAhead, type PersonBoxOnFrame } from '../workspace/boxesAhead';
import { EditHistories, recordEdit, type EditHistory, type LayerKey } from '../workspace/editHistory';
import { invert, planEdit, type LabelEdit, type LabelValue } from '../workspace/labelEdits';

/**
 * Edits, undos and redos run one after another in the order the user made them: an undo pressed while an
 * edit is still being saved must undo that edit, not the one before it.
 */
let editQueue: Promise<unknown> = Promise.resolve();
function serially<T>(work: () => Promise<T>): Promise<T> {
  const next = editQueue.then(work, work);
  editQueue = next.catch(() => undefined);
  return next;
}

/** Undo histories of every video layer opened since the project was: they outlive the workspace view. */
const histories = new EditHistories();
/** The open video's persons' boxes, fetched ahead in chunks (outside the state: a cache, not something to watch). */
let boxesAhead: BoxesAhead | null = null;

/** Quiet time after an edit before suggestions are asked for again. */
const SUGGESTIONS_AFTER_MS = 400;
let suggestionsTimer: ReturnType<typeof setTimeout> | undefined;
/** Counts the requests, so only the newest one clears `suggestionsPending`. */
let suggestionsAsked = 0;

/** Labels are append-only, so the set of row ids changes with every edit. */
function ownLabelIds(labels: Map<number, Label>): string {
  return [...labels.values()]
    .map((label) => label.id)
    .sort((a, b) => a - b)
    .join(',');
}

function sameLayer(a: LayerKey, b: LayerKey | null): boolean {
  return b !== null && (Object.keys(a) as (keyof LayerKey)[]).every((field) => a[field] === b[field]);
}

/**
 * The video and person being labelled: where the playhead is, the annotator's labels, the draft the grid edits, and the
 * layer's undo history. Every call to the label, prediction and suggestion API names its layer through `layer`.
 */
export const useWorkspaceStore = defineStore('workspace', {
  state: () => ({
    project: '',
    video: null as VideoSummary | null,
    frameTimes: [] as number[],
    currentFrame: 0,
    annotators: [] as Annotator[],
    annotatorId: null as number | null,
    /** The video's persons, and the one being labelled: labels, predictions and suggestions are that person's. */
    persons: [] as Person[],
    personId: 1,
    /** Counts the box chunks arrived (and forgotten), so the current frame's boxes are read again. */
    boxesRevision: 0,
    /** Where each person is seen: runs of frames [first, last + 1). */
    visibility: [] as { personId: number; segments: [number, number][] }[],
    /** Blind mode (a project setting): each rater sees only their own layer and no model trained on others. */
    blind: false,
    /** The active annotator's current labels of the person, by frame. */
    labels: new Map<number, Label>(),
    /** Other annotators' current labels on this video; empty in blind mode. */
    otherLabels: [] as Label[],
    /** What the affect grid and sliders show and edit (workspace/draftEntry.ts): only Save/Enter commits it. */
    draft: { kind: 'empty' } as Draft,
    /** The undo and redo steps of this video and annotator, kept while the project is open. */
    history: { undo: [], redo: [] } as EditHistory,
    error: null as string | null,
    predictions: null as Predictions | null,
    /** The annotator whose predictions `predictions` are. */
    heldFor: null as number | null,
    /** The newest labels revision this view has seen saved (its own edits' or announced): older events are stale. */
    labelsRevision: 0,
    suggestions: [] as FrameSuggestion[],
    /** Newer suggestions have been asked for (or will be once the edits pause) and have not arrived. */
    suggestionsPending: false,
    /** The subject's face per analysed frame (empty before analysis). */
    faces: [] as FaceFrame[],
    /** The chosen person's facial-action traces (the project's chosen ones), or why there are none. */
    actionLanes: [] as ActionLane[],
    actionsUnavailable: null as string | null,
    /** The project's chosen traces, and every one it may choose (the timeline's chooser lists them). */
    traceChoice: { chosen: [] as ActionTrace[], available: [] as ActionTrace[] },
    /** False until the video's frames, annotators and labels are loaded: edits before then would be lost. */
    ready: false,
    /** Counts every move of the playhead, even to the frame it was on: a late answer can tell the user moved. */
    seeks: 0,
  }),
  getters: {
    /** The layer every label, prediction and suggestion call names; null until the video and annotator are known. */
    layer: (state): LayerKey | null =>
      state.video && state.annotatorId !== null
        ? { project: state.project, videoId: state.video.id, personId: state.personId, annotatorId: state.annotatorId }
        : null,
    frameCount: (state) => state.frameTimes.length,
    currentTimeSec: (state) => state.frameTimes[state.currentFrame] ?? 0,
    currentLabel: (state) => state.labels.get(state.currentFrame) ?? null,
    currentFace: (state) => state.faces[state.currentFrame] ?? null,
    /** 1 for analysed frames where the chosen person has no face; null until the video has been analysed at all. */
    noFaceMask(state): Uint8Array | null {
      if (state.faces.length === 0) return null;
      const mask = Uint8Array.from({ length: state.frameTimes.length }, (_, f) => (f < state.faces.length ? 1 : 0));
      for (const [from, to] of state.visibility.find((v) => v.personId === state.personId)?.segments ?? []) mask.fill(0, from, to);
      return mask;
    },
    /**
     * Each person's face box on the current frame (video pixels), from the chunks fetched ahead; none until its chunk
     * is here (reading it asks for that chunk and the next, so playback finds them there).
     */
    personBoxes: (state): readonly PersonBoxOnFrame[] => {
      void state.boxesRevision;
      return state.faces.length === 0 ? [] : (boxesAhead?.get(state.currentFrame) ?? []);
    },
    chosenPerson: (state): Person | null => state.persons.find((p) => p.personId === state.personId) ?? null,
    /** Whether analysis found a face anywhere in the video (cached: the template reads it on every frame shown). */
    hasAnyFace: (state) => state.faces.some((f) => f?.face),
    labelList: (state) => [...state.labels.values()].sort((a, b) => a.frameIndex - b.frameIndex),
    undoStack: (state) => state.history.undo,
    redoStack: (state) => state.history.redo,
    draftValue: (state): LabelValue | null => draftValue(state.draft),
  },
  actions: {
    async open(project: string, video: VideoSummary) {
      this.$reset();
      boxesAhead = null;
      histories.forgetAllBut(project);
      this.project = project;
      this.video = video;
      await this.guard(async () => {
        this.frameTimes = (await studio.call('videos.frameTimes', { project, videoId: video.id })).ptsSec;
        this.annotators = await studio.call('annotators.list', { project });
        const view = await studio.call('annotators.view', { project });
        const humans = this.annotators.filter((a) => a.kind === 'human');
        if (humans.length === 0) {
          const created = await studio.call('annotators.add', { project, name: 'Annotator 1' });
          this.annotators.push(created);
          humans.push(created);
        }
        // The project's active rater, as the raters panel (or the CLI) last set it.
        const active = humans.find((a) => a.id === view.activeAnnotatorId) ?? (humans[0] as Annotator);
        this.annotatorId = active.id;
        this.blind = view.blind;
        await this.reloadPersons();
        this.personId = (this.persons.find((p) => p.coded) ?? (this.persons[0] as Person)).personId;
        this.useHistoryOfLayer();
        await this.reloadLabels();
        await this.reloadFaces();
        boxesAhead = new BoxesAhead(
          (fromFrame, count) => studio.call('persons.boxes', { project, videoId: video.id, fromFrame, count }),
          () => this.frameCount,
          () => this.boxesRevision++,
        );
        this.traceChoice = await studio.call('actions.choice', { project });
        await this.reloadTraces();
        this.resetDraft();
        this.ready = true;
        await this.reloadModel();
        this.followDraft();
      });
    },
    useHistoryOfLayer() {
      if (this.layer) this.history = histories.of(this.layer);
    },
    /** In blind mode the server lists only the viewer's own layer (labels.list's `viewer`). */
    async reloadLabels() {
      const layer = this.layer;
      if (!layer) return;
      // Every layer of the video (others' are shown hollow), as far as this rater, the viewer, may see them.
      const { annotatorId, ...where } = layer;
      const all = await studio.call('labels.list', { ...where, viewer: annotatorId });
      this.labels = new Map(all.filter((l) => l.annotatorId === annotatorId).map((l) => [l.frameIndex, l]));
      this.otherLabels = all.filter((l) => l.annotatorId !== annotatorId);
    },
    /**
     * Predictions and suggestions follow the labels: refreshed after every saved edit. The server sends only the
     * frames that changed since the predictions this view holds (same video, person and annotator).
     */
    async reloadModel() {
      const target = this.layer;
      if (!target || this.faces.length === 0) return;
      const held =
        this.predictions?.videoId === target.videoId && this.predictions.personId === target.personId && this.heldFor === target.annotatorId ? this.predictions : null;
      const packed = await studio.call('predictions.get', held ? { ...target, since: held.resultId } : target);
      // The rater or video changed while this was on its way: these are someone else's predictions now.
      if (!sameLayer(target, this.layer)) return;
      this.predictions = decodePredictions(packed, held);
      this.heldFor = target.annotatorId;
      this.reloadSuggestionsSoon();
    },
    /**
     * Suggestions weigh the whole video against every label (a second on a long video with many labels), so they
     * are asked for once the edits pause, after the predictions, and never hold up an edit's answer.
     */
    reloadSuggestionsSoon() {
      clearTimeout(suggestionsTimer);
      this.suggestionsPending = true;
      const asked = ++suggestionsAsked;
      suggestionsTimer = setTimeout(() => {
        const target = this.layer;
        if (!target) return;
        // Not through guard: that clears the message of an edit that failed meanwhile.
        studio.call('suggestions.list', { ...target, count: 8 }).then(
          (suggestions) => {
            // Only if the view still shows what they were asked for.
            if (sameLayer(target, this.layer)) this.suggestions = suggestions;
            if (asked === suggestionsAsked) this.suggestionsPending = false;
          },
          (failure: unknown) => {
            this.error = failure instanceof Error ? failure.message : String(failure);
            if (asked === suggestionsAsked) this.suggestionsPending = false;
          },
        );
      }, SUGGESTIONS_AFTER_MS);
    },
    /**
     * Labels, predictions or faces changed outside this view (another window, an import, a trained head, analysis
     * finishing): reload what depends on them. Queued behind any edit being saved, so it never reads half of one.
     */
    refresh(what: 'labels' | 'predictions' | 'faces', revision?: number) {
      return serially(() =>
        this.guard(async () => {
          if (!this.ready) return;
          // An announced edit this view has already seen (its own, above all) needs nothing reloaded.
          if (what === 'labels' && revision !== undefined) {
            if (revision <= this.labelsRevision) return;
            this.labelsRevision = revision;
          }
          if (what === 'labels') {
            const before = ownLabelIds(this.labels);
            await this.reloadLabels();
            // This view's own edits reload the model as they are saved; only someone else's need it again.
            if (ownLabelIds(this.labels) === before) return;
          }
          if (what === 'faces') {
            await this.reloadFaces();
            await this.reloadPersons();
            this.forgetBoxes();
            await this.reloadTraces();
          }
          await this.reloadModel();
          this.followDraft();
        }),
      );
    },
    /** The next suggested frame after the current one (wrapping round), or null when there are none. */
    nextSuggestion(): number | null {
      const frames = this.suggestions.map((s) => s.frameIndex).filter((f) => f !== this.currentFrame);
      if (frames.length === 0) return null;
      return frames.find((f) => f > this.currentFrame) ?? (frames[0] as number);
    },
    /** The video's persons and where each is seen. */
    async reloadPersons() {
      if (!this.video) return;
      const target = { project: this.project, videoId: this.video.id };
      this.persons = await studio.call('persons.list', target);
      this.visibility = await studio.call('persons.visibility', target);
      if (!this.persons.some((p) => p.personId === this.personId)) this.personId = (this.persons[0] as Person).personId;
    },
    /** A new analysis, a merge or a split moved the boxes: they are fetched again. */
    forgetBoxes() {
      boxesAhead?.clear();
      this.boxesRevision++;
    },
    /** Labels, predictions and suggestions become this person's; the undo history was about the other one. */
    async choosePerson(personId: number) {
      if (personId === this.personId) return;
      this.personId = personId;
      this.useHistoryOfLayer();
      this.suggestions = [];
      await this.guard(async () => {
        await this.reloadFaces();
        await this.reloadLabels();
        await this.reloadModel();
        await this.reloadTraces();
      });
      this.resetDraft();
    },
    /** A click on the frame at (x, y) in video pixels: picks the person whose face is there, if any. */
    async pickPersonAt(x: number, y: number) {
      if (!this.video) return;
      const videoId = this.video.id;
      await this.guard(async () => {
        const { personId } = await studio.call('persons.at', { project: this.project, videoId, frameIndex: this.currentFrame, x, y });
        if (personId !== null) await this.choosePerson(personId);
      });
    },
    /** Rename, choose, merge or split: the persons (and, after a merge or split, labels and predictions) reload. */
    async changePersons(change: () => Promise<unknown>, movesLabels: boolean) {
      await this.guard(async () => {
        await change();
        await this.reloadPersons();
        this.forgetBoxes();
        if (movesLabels) {
          // The labels moved between persons: undoing an edit from before would write to the wrong one.
          this.history.undo.splice(0);
          this.history.redo.splice(0);
          await this.reloadLabels();
          await this.reloadModel();
        }
      });
    },
    renamePerson(personId: number, name: string) {
      if (!this.video) return Promise.resolve();
      const target = { project: this.project, videoId: this.video.id, personId, name };
      return this.changePersons(() => studio.call('persons.rename', target), false);
    },
    setPersonCoded(personId: number, coded: boolean) {
      if (!this.video) return Promise.resolve();
      const target = { project: this.project, videoId: this.video.id, personId, coded };
      return this.changePersons(() => studio.call('persons.choose', target), false);
    },
    /** `from` joins the chosen person. */
    mergeIntoChosen(from: number) {
      if (!this.video) return Promise.resolve();
      const target = { project: this.project, videoId: this.video.id, into: this.personId, from };
      return this.changePersons(() => studio.call('persons.merge', target), true);
    },
    /** The chosen person from the current frame on becomes a new person. */
    splitChosenHere() {
      if (!this.video) return Promise.resolve();
      const target = { project: this.project, videoId: this.video.id, personId: this.personId, fromFrame: this.currentFrame };
      return this.changePersons(() => studio.call('persons.split', target), true);
    },
    /** The chosen person's traces; an answer for a person or video the view has left is dropped. */
    async reloadTraces() {
      if (!this.video) return;
      const target = { project: this.project, videoId: this.video.id, personId: this.personId };
      const packed = await studio.call('actions.traces', target);
      if (target.videoId !== this.video?.id || target.personId !== this.personId) return;
      this.actionLanes = decodeTraces(packed);
      this.actionsUnavailable = packed.unavailable;
    },
    /** Makes these traces the project's choice (the lanes, exports and report follow it). */
    async chooseTraces(ids: string[]) {
      await this.guard(async () => {
        this.traceChoice = await studio.call('actions.choose', { project: this.project, traces: ids });
        await this.reloadTraces();
      });
    },
    /** Another window chose other traces. */
    async followTraceChoice() {
      await this.guard(async () => {
        this.traceChoice = await studio.call('actions.choice', { project: this.project });
        await this.reloadTraces();
      });
    },
    async reloadFaces() {
      if (!this.video) return;
      const result = await studio.call('analysis.faces', { project: this.project, videoId: this.video.id, personId: this.personId });
      const byFrame: FaceFrame[] = [];
      for (const frame of result.frames) byFrame[frame.frameIndex] = frame;
      this.faces = byFrame;
    },
    /**
     * Switches the rater: their own labels, predictions and undo history. The choice is the project's active
     * annotator (annotators.setView), which blind mode needs and which exports use for predictions.
     */
    async chooseAnnotator(id: number) {
      await this.guard(async () => {
        const view = await studio.call('annotators.setView', { project: this.project, activeAnnotatorId: id, blind: this.blind });
        this.blind = view.blind;
        this.annotatorId = id;
        this.predictions = null;
        this.suggestions = [];
        this.useHistoryOfLayer();
        await this.reloadLabels();
        this.resetDraft();
        await this.reloadModel();
        this.followDraft();
      });
    },
    async addAnnotator(name: string) {
      await this.guard(async () => {
        const created = await studio.call('annotators.add', { project: this.project, name });
        if (!this.annotators.some((a) => a.id === created.id)) this.annotators.push(created);
        await this.chooseAnnotator(created.id);
      });
    },
    async renameAnnotator(id: number, name: string) {
      return this.guard(async () => {
        const renamed = await studio.call('annotators.rename', { project: this.project, annotatorId: id, name });
        this.annotators = this.annotators.map((a) => (a.id === renamed.id ? renamed : a));
      });
    },
    /** Blind mode on or off for the whole project, with the current rater as the one labelling. */
    async setBlind(blind: boolean) {
      await this.guard(async () => {
        const view = await studio.call('annotators.setView', { project: this.project, activeAnnotatorId: this.annotatorId, blind });
        this.blind = view.blind;
        await this.reloadLabels();
        this.followDraft();
      });
    },
    seek(frame: number) {
      this.seeks++;
      this.currentFrame = Math.max(0, Math.min(this.frameCount - 1, Math.round(frame)));
      this.resetDraft();
    },
    step(delta: number) {
      this.seek(this.currentFrame + delta);
    },
    /**
     * What the studio holds for the current frame: the rater's label and the prediction they may see. Before the
     * rater's first label the prediction anchors on nothing (the centre, ±1 everywhere): not a value to offer.
     */
    frameFacts(): FrameFacts {
      const frame = this.currentFrame;
      const label = this.valueAt(frame);
      const p = this.predictions;
      const valence = p?.valence[frame];
      const arousal = p?.arousal[frame];
      if (!p || p.anchors === 0 || valence === undefined || arousal === undefined || Number.isNaN(valence) || Number.isNaN(arousal)) return { label, prediction: null };
      return { label, prediction: { value: { valence, arousal }, sd: { valence: p.valenceSd[frame] ?? 0, arousal: p.arousalSd[frame] ?? 0 } } };
    },
    /** On arriving at a frame (or putting back an edit with Esc): the frame's label, else its prediction. */
    resetDraft() {
      this.draft = draftFor(this.frameFacts());
    },
    /** The frame's label or prediction changed under the draft: an edit in progress stays. */
    followDraft() {
      this.draft = followFrame(this.draft, this.frameFacts());
    },
    setDraft(value: LabelValue) {
      this.draft = setDraft(value, this.frameFacts());
    },
    nudge(axis: keyof LabelValue, delta: number) {
      this.draft = nudgeDraft(this.draft, axis, delta, this.frameFacts());
    },
    /**
     * Save/Enter: saves the draft on its frame as one edit (one undo step), or does nothing when there is nothing
     * new to save. Resolves to whether a label was saved.
     */
    async commitDraft(): Promise<boolean> {
      const commit = commitOf(this.draft);
      if (!commit) return false;
      const frame = this.currentFrame;
      // Each edit reads the frame it changes when its turn comes, so `before` is what the store holds then.
      const saved = await this.edit(() => [{ frameIndex: frame, before: this.valueAt(frame), after: commit.value }], commit.origin);
      if (saved && frame === this.currentFrame) this.resetDraft();
      return saved;
    },
    deleteCurrent() {
      const frame = this.currentFrame;
      return this.edit(() => {
        const before = this.valueAt(frame);
        return before ? [{ frameIndex: frame, before, after: null }] : [];
      }, 'manual');
    },
    moveLabel(from: number, to: number) {
      return this.edit(() => {
        const value = this.valueAt(from);
        if (!value || from === to) return [];
        return [
          { frameIndex: from, before: value, after: null },
          { frameIndex: to, before: this.valueAt(to), after: value },
        ];
      }, 'manual');
    },
    /**
     * Accepts the model's prediction as the label of every frame in [from, to] that has a prediction and no label
     * of this annotator yet: one edit, so one undo takes the whole range back.
     */
    acceptPredictions(from: number, to: number) {
      const p = this.predictions;
      if (!p) return Promise.resolve(false);
      const [start, end] = from <= to ? [from, to] : [to, from];
      return this.edit(() => {
        const changes: LabelEdit['changes'] = [];
        for (let f = Math.max(0, start); f <= Math.min(end, p.valence.length - 1); f++) {
          const valence = p.valence[f];
          const arousal = p.arousal[f];
          if (valence === undefined || arousal === undefined || Number.isNaN(valence) || Number.isNaN(arousal) || this.labels.has(f)) continue;
          changes.push({ frameIndex: f, before: null, after: { valence: Math.round(valence * 100) / 100, arousal: Math.round(arousal * 100) / 100 } });
        }
        return changes;
      }, 'accepted_prediction');
    },
    /** A live trace: one edit (one undo step) for all the frames it passed. */
    saveTrace(samples: { frameIndex: number; valence: number; arousal: number }[]) {
      return this.edit(
        () => samples.map(({ frameIndex, valence, arousal }) => ({ frameIndex, before: this.valueAt(frameIndex), after: { valence, arousal } })),
        'live',
      );
    },
    undo() {
      return this.stepHistory('undo', 'redo', invert);
    },
    redo() {
      return this.stepHistory('redo', 'undo', (edit) => edit);
    },
    /** Takes the newest step of one stack, saves it (inverted for an undo) and puts it on the other. */
    stepHistory(from: 'undo' | 'redo', to: 'undo' | 'redo', saved: (edit: LabelEdit) => LabelEdit) {
      const layer = this.layer;
      const history = this.history;
      return serially(async () => {
        const edit = history[from].pop();
        if (!edit || !layer) return;
        if (await this.persist(layer, saved(edit))) history[to].push(edit);
        else history[from].push(edit);
        // The step changed the frame on screen: show what it left there.
        if (edit.changes.some((change) => change.frameIndex === this.currentFrame)) this.resetDraft();
      });
    },
    valueAt(frame: number): LabelValue | null {
      const label = this.labels.get(frame);
      return label ? { valence: label.valence, arousal: label.arousal } : null;
    },
    /**
     * Saves one edit of the layer on screen when its turn comes, as one undo step of that layer: switching video or
     * rater meanwhile neither sends it to the other layer nor puts it in the other's history.
     */
    edit(changes: () => LabelEdit['changes'], origin: LabelEdit['origin']): Promise<boolean> {
      const layer = this.layer;
      const history = this.history;
      return serially(async () => {
        const edit: LabelEdit = { changes: changes(), origin };
        if (edit.changes.length === 0 || !layer) return false;
        const saved = await this.persist(layer, edit);
        if (saved) recordEdit(history, edit);
        return saved;
      });
    },
    /**
     * Saves an edit in one call whatever it is: the store is append-only, so an undo is itself a new, saved edit.
     * The answer holds the saved labels, so nothing is listed again (unless the view moved to another layer).
     */
    async persist(layer: LayerKey, edit: LabelEdit): Promise<boolean> {
      const { sets, deletes } = planEdit(edit);
      return this.guard(async () => {
        const applied = await studio.call('labels.apply', { ...layer, origin: edit.origin, sets, deletes });
        if (!sameLayer(layer, this.layer)) return;
        const labels = new Map(this.labels);
        for (const frameIndex of deletes) labels.delete(frameIndex);
        for (const label of applied.labels) labels.set(label.frameIndex, label);
        this.labels = labels;
        this.labelsRevision = Math.max(this.labelsRevision, applied.revision);
        await this.reloadModel();
        this.followDraft();
      });
    },
    guard(action: () => Promise<unknown>): Promise<boolean> {
      return reportFailure(this, action);
    },
  },
});
