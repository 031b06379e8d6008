/**
 * What the Electron preload exposes to the renderer, and on which IPC channels. Deliberately tiny: raw messages
 * in and out, validated on both ends by the contract, so the preload holds no logic worth attacking.
 */
export const BRIDGE_KEY = 'affectStudio';
export const IPC_REQUEST_CHANNEL = 'affect-studio:request';
export const IPC_EVENT_CHANNEL = 'affect-studio:event';

export interface AffectStudioBridge {
  /** Sends one request envelope; resolves with the response envelope. */
  invoke(request: unknown): Promise<unknown>;
  /** Subscribes to pushed event envelopes; returns the unsubscribe function. */
  onEvent(listener: (event: unknown) => void): () => void;
  /** The filesystem path of a file dropped on the window (Electron only: browsers never reveal paths). */
  pathForFile(file: File): string;
}
