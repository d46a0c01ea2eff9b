import type { HistoryEvent, HistoryQuery, HistoryRepository } from "@cachify/core";

type Listener = (event: HistoryEvent) => void;

interface BatchStore extends HistoryRepository {
  appendMany(events: readonly HistoryEvent[]): void;
}

/**
 * Records history events and tells live listeners (the WebSocket) about each one. Writes are
 * grouped: events queue in memory for at most `flushMs` (or until the queue is long) and go to
 * SQLite in one transaction, which keeps the audit off the operation's latency path and makes a
 * busy studio write far fewer transactions. Reads flush first and close() flushes, so nothing
 * queued is skipped; a crash can lose at most the last `flushMs` of events.
 */
export class HistoryFeed implements HistoryRepository {
  private readonly listeners = new Set<Listener>();
  private queue: HistoryEvent[] = [];
  private scheduled: NodeJS.Timeout | undefined;

  constructor(
    private readonly inner: BatchStore,
    private readonly flushMs = 10,
    private readonly maxQueue = 1000,
  ) {}

  append(event: HistoryEvent): void {
    this.queue.push(event);
    if (this.queue.length >= this.maxQueue) this.flush();
    else this.scheduled ??= setTimeout(() => this.flush(), this.flushMs);
    for (const l of this.listeners) {
      try {
        l(event);
      } catch {
        // A broken listener must not break auditing.
      }
    }
  }

  flush(): void {
    if (this.scheduled) clearTimeout(this.scheduled);
    this.scheduled = undefined;
    if (this.queue.length === 0) return;
    const batch = this.queue;
    this.queue = [];
    try {
      this.inner.appendMany(batch);
    } catch (e) {
      // Keep the events for the next try rather than lose them; say so where someone looks.
      this.queue = batch.concat(this.queue);
      console.error(
        `cachify: could not write ${batch.length} history event(s): ${(e as Error).message}`,
      );
    }
  }

  list(query: HistoryQuery): HistoryEvent[] {
    this.flush();
    return this.inner.list(query);
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
