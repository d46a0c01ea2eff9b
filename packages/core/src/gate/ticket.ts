declare const ticketBrand: unique symbol;

/**
 * Proof that an operation passed the gate's checks. Only the gate mints tickets (the constructor is
 * not exported from the package), and providers verify them at run time too, so an adapter cannot
 * be driven around the gate even with a cast.
 */
export interface GateTicket {
  readonly [ticketBrand]: true;
  readonly operationId: string;
  /** Absolute time (ms since epoch) after which the operation must stop. */
  readonly deadline: number;
  /** Aborted when the gate gives up on the operation (timeout, cancel). */
  readonly signal: AbortSignal;
  readonly attempt: number;
}

const issued = new WeakSet<object>();

/** @internal gate only: not re-exported from the package index. */
export function mintTicket(fields: {
  operationId: string;
  deadline: number;
  signal: AbortSignal;
  attempt: number;
}): GateTicket {
  const t = Object.freeze({ ...fields }) as unknown as GateTicket;
  issued.add(t);
  return t;
}

export function assertTicket(ticket: unknown): asserts ticket is GateTicket {
  if (typeof ticket !== "object" || ticket === null || !issued.has(ticket)) {
    throw new Error("Operations must go through the operation gate (no valid gate ticket).");
  }
}
