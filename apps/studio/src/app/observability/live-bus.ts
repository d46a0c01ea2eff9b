/** A message pushed to every open WebSocket (`/api/ws`): `{type: "health" | "metrics" | "alert" | ..., ...}`. */
export interface LiveMessage {
  type: string;
  [field: string]: unknown;
}

type Listener = (message: LiveMessage) => void;

/** Fan-out of live messages to the sockets; a broken listener never stops the others. */
export class LiveBus {
  private readonly listeners = new Set<Listener>();

  publish(message: LiveMessage): void {
    for (const l of this.listeners) {
      try {
        l(message);
      } catch {
        // A closed socket must not break the collector.
      }
    }
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get size(): number {
    return this.listeners.size;
  }
}
