import { defineStore } from 'pinia';
import type { AnalysisStatus, JobProgress, VideoSummary } from '../../src-main/api/contract';
import { studio } from '../api/studio';
import { reportFailure } from './reportFailure';
import { readPlace, writePlace } from '../navigation';

/** A video's thumbnail strip as the page shows it: a data: URL and the frame each tile stands for. */
export interface ThumbnailImage {
  url: string;
  tileWidth: number;
  tileHeight: number;
  frameIndexes: number[];
}

/** The open project's videos and jobs, kept current by pushed events. */
export const useProjectStore = defineStore('project', {
  state: () => ({
    path: null as string | null,
    videos: [] as VideoSummary[],
    jobs: [] as JobProgress[],
    /** data: URLs of each video's thumbnail strip, with the tile size to crop it. */
    thumbnails: {} as Record<number, ThumbnailImage>,
    error: null as string | null,
    /** Face analysis of each video (how many frames are analysed, faces found, on which execution provider). */
    analysis: {} as Record<number, AnalysisStatus>,
    /** Videos analysed under an older descriptor contract (no facial actions), which an analysis again updates. */
    olderDescriptors: [] as { videoId: number; descriptorVersion: number }[],
    /** The video open in the labelling workspace, if any. */
    openVideoId: null as number | null,
  }),
  getters: {
    openVideo: (state) => state.videos.find((video) => video.id === state.openVideoId) ?? null,
    activeJobs: (state) => state.jobs.filter((job) => job.state === 'queued' || job.state === 'running'),
    finishedJobs: (state) => state.jobs.filter((job) => job.state !== 'queued' && job.state !== 'running').slice(-5).reverse(),
  },
  actions: {
    async load(projectPath: string) {
      if (this.path === null) this.subscribe();
      this.path = projectPath;
      const place = readPlace();
      this.openVideoId = place.project === projectPath ? place.video : null;
      this.videos = [];
      this.jobs = [];
      this.thumbnails = {};
      this.analysis = {};
      this.olderDescriptors = [];
      await this.guard(async () => {
        await Promise.all([this.refreshVideos(), this.refreshJobs()]);
      });
    },
    subscribe() {
      studio.on('job.progress', (progress) => {
        if (progress.projectPath !== this.path) return;
        const index = this.jobs.findIndex((job) => job.jobId === progress.jobId);
        if (index === -1) this.jobs.push(progress);
        // Each update carries the whole job (its result and error once it has ended), typed by its kind.
        else this.jobs[index] = progress;
        // Analysis of imported videos is queued by the core (core/jobs/analyzeAfterImport.ts), once per video.
        if (progress.kind === 'analyze') void this.guard(() => this.refreshAnalysis());
      });
      studio.on('data.changed', ({ entity, projectPath }) => {
        if (entity === 'videos' && projectPath === this.path) void this.guard(() => this.refreshVideos());
      });
    },
    openVideoById(id: number | null) {
      this.openVideoId = id;
      writePlace({ project: this.path, video: id });
    },
    async refreshVideos() {
      if (!this.path) return;
      const project = this.path;
      this.videos = await studio.call('videos.list', { project });
      await this.refreshAnalysis();
      for (const video of this.videos) {
        if (video.status === 'ready' && !this.thumbnails[video.id]) {
          const strip = await studio.call('videos.thumbnails', { project, videoId: video.id });
          if (strip) {
            this.thumbnails[video.id] = {
              url: `data:image/jpeg;base64,${strip.jpegBase64}`,
              tileWidth: strip.tileWidth,
              tileHeight: strip.tileHeight,
              frameIndexes: strip.frameIndexes,
            };
          }
        }
      }
    },
    async refreshAnalysis() {
      const project = this.path;
      if (!project) return;
      const ready = this.videos.filter((video) => video.status === 'ready');
      const statuses = await Promise.all(ready.map((video) => studio.call('analysis.status', { project, videoId: video.id })));
      for (const status of statuses) this.analysis[status.videoId] = status;
      this.olderDescriptors = (await studio.call('analysis.descriptors', { project })).olderVideos;
    },
    /** Queues the analysis again of every video analysed before facial actions (the project page's offer). */
    async analyseForActions() {
      const project = this.path;
      if (!project) return;
      await this.guard(async () => {
        for (const { videoId } of this.olderDescriptors) await studio.call('analysis.start', { project, videoId });
        await this.refreshJobs();
      });
    },
    async analyse(videoId: number) {
      const project = this.path;
      if (!project) return;
      await this.guard(async () => {
        await studio.call('analysis.start', { project, videoId });
        await this.refreshJobs();
      });
    },
    async refreshJobs() {
      if (!this.path) return;
      this.jobs = await studio.call('jobs.list', { project: this.path });
    },
    /** Queues an import; false when it was refused (the reason is in `error`). */
    async importPaths(paths: string[]): Promise<boolean> {
      const project = this.path;
      if (!project || paths.length === 0) return false;
      return this.guard(async () => {
        await studio.call('videos.import', { project, paths });
        await this.refreshJobs();
      });
    },
    async relink(videoId: number, path: string) {
      const project = this.path;
      if (!project) return;
      await this.guard(async () => {
        await studio.call('videos.relink', { project, videoId, path });
        await this.refreshVideos();
      });
    },
    async cancel(jobId: string) {
      const project = this.path;
      if (!project) return;
      await this.guard(() => studio.call('jobs.cancel', { project, jobId }).then(() => undefined));
    },
    guard(action: () => Promise<unknown>): Promise<boolean> {
      return reportFailure(this, action);
    },
  },
});
