/** Fans validated events out to every transport that listens (IPC windows, WebSocket clients). */
import { events, type EventName, type EventPayload } from './contract';
import type { EventEnvelope } from './envelope';

export type EventSink = (event: EventEnvelope) => void;

export class EventHub {
  private readonly sinks = new Set<EventSink>();

  subscribe(sink: EventSink): () => void {
    this.sinks.add(sink);
    return () => this.sinks.delete(sink);
  }

  emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
    // Validate on the way out too, so a core bug shows up here and not as a puzzling UI failure.
    const checked = events[event].parse(payload);
    for (const sink of this.sinks) sink({ event, payload: checked });
  }
}
