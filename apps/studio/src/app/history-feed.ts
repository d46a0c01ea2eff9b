import type { HistoryEvent, HistoryQuery, HistoryRepository } from "@cachify/core";

type Listener = (event: HistoryEvent) => void;

/** Stores history events and tells live listeners (the WebSocket) about each one. */
export class HistoryFeed implements HistoryRepository {
  private readonly listeners = new Set<Listener>();

  constructor(private readonly inner: HistoryRepository) {}

  append(event: HistoryEvent): void {
    this.inner.append(event);
    for (const l of this.listeners) {
      try {
        l(event);
      } catch {
        // A broken listener must not break auditing.
      }
    }
  }

  list(query: HistoryQuery): HistoryEvent[] {
    return this.inner.list(query);
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
