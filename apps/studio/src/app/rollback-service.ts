import {
  badInput,
  type Confirmation,
  type ConfirmationScope,
  type ConnectionProfile,
  type KeyRestore,
  notFound,
  type OperationGate,
  type Origin,
  type ProviderPool,
  type RestoreProgress,
  type SnapshotRecord,
  type SnapshotStore,
  stateDigest,
} from "@cachify/core";
import { keyOut, ttlSeconds, valueOut } from "./key-args.ts";

/** What the rollback helper works with. */
export interface RollbackDeps {
  gate: OperationGate;
  pool: ProviderPool;
  snapshots: SnapshotStore;
  profiles: {
    resolve(ref: string): ConnectionProfile;
    list(): ConnectionProfile[];
  };
}

export interface SnapshotSelection {
  snapshotIds?: string[];
  executionId?: string;
  operationId?: string;
}

/** Where a restore is, after each page: counts so far of the keys it will go through. */
export type { RestoreProgress } from "@cachify/core";

export interface RestoreItemResult {
  key: string;
  keyBase64: string;
  status: "restored" | "deleted" | "skipped" | "failed";
  reason?: string;
}

const bytesKey = (b: Uint8Array) => Buffer.from(b).toString("base64");

/** Keys restored per gate call (a page of snapshots: one DUMP round and one RESTORE round). */
const RESTORE_PAGE = 2000;
/** Restored keys listed in an answer; skipped and failed ones are listed up to ten times that. */
const MAX_ITEMS = 1000;

/**
 * The rollback helper: lists pre-images, shows one beside the key's current state, and puts a key,
 * a selection or a whole execution back. Restores go through the gate (read-only, guardrails,
 * audit, and a snapshot of their own, so a rollback can itself be undone).
 */
export class RollbackService {
  constructor(
    private readonly d: RollbackDeps,
    private readonly origin: Origin,
  ) {}

  list(q: {
    profile?: string;
    key?: Uint8Array;
    executionId?: string;
    operationId?: string;
    limit?: number;
  }) {
    const profileId = q.profile ? this.d.profiles.resolve(q.profile).id : undefined;
    const rows = this.d.snapshots.list({
      ...(profileId ? { profileId } : {}),
      ...(q.key ? { key: q.key } : {}),
      ...(q.executionId ? { executionId: q.executionId } : {}),
      ...(q.operationId ? { operationId: q.operationId } : {}),
      limit: q.limit ?? 200,
    });
    return rows.map((r) => this.view(r));
  }

  private view(r: SnapshotRecord) {
    const profile = this.d.profiles.list().find((p) => p.id === r.profileId);
    return {
      snapshotId: r.snapshotId,
      ...keyOut(r.key),
      profile: profile?.name ?? null,
      profileId: r.profileId,
      executionId: r.executionId ?? null,
      operationId: r.operationId,
      operation: r.operation,
      capturedAt: r.capturedAt,
      existed: r.existed,
      type: r.type,
      sizeBytes: r.sizeBytes,
      expiresAt: r.absoluteExpiryMs,
      restoreStatus: r.restoreStatus,
    };
  }

  /** One snapshot beside the key as it is now; strings show their values, others type and size. */
  async inspect(snapshotId: string) {
    const [snap] = this.d.snapshots.list({ snapshotIds: [snapshotId] });
    if (!snap) throw notFound(`No snapshot ${snapshotId}: it may have been pruned by retention.`);
    const profile = this.d.profiles.resolve(snap.profileId);
    const current = await this.d.gate.run(
      profile,
      { kind: "get", key: snap.key },
      { origin: this.origin },
    );
    const [now] = await this.d.gate.run(
      profile,
      { kind: "dump", keys: [snap.key] },
      { origin: this.origin },
    );
    // The engine reads its own pre-image format (a Redis DUMP, a Memcached item's bytes).
    const view = snap.payload ? this.d.pool.get(profile).describeSnapshot(snap.payload) : {};
    return {
      snapshot: {
        ...this.view(snap),
        ...(view.value ? valueOut(view.value) : { value: null }),
        ...(view.formatVersion !== undefined ? { rdbVersion: view.formatVersion } : {}),
      },
      current: {
        type: current.type,
        ttl: ttlSeconds(current.ttlMs),
        ...(current.value ? valueOut(current.value) : { value: null }),
      },
      conflict: conflictOf(snap, now ? stateDigest(now) : "absent"),
    };
  }

  /**
   * The selection's snapshots in pages, newest first. Undoing newest first is what makes a key
   * changed twice come back right across pages: each step puts back the state the next older
   * change left, and its after-state is what the newer restore left.
   */
  private *select(sel: SnapshotSelection): Generator<SnapshotRecord[]> {
    const given = [sel.snapshotIds?.length, sel.executionId, sel.operationId].filter(
      Boolean,
    ).length;
    if (given !== 1)
      throw badInput(
        "Choose what to restore: snapshot ids, an execution, or an operation (one of them).",
      );
    const pages = this.d.snapshots.pages(
      {
        ...(sel.snapshotIds ? { snapshotIds: sel.snapshotIds } : {}),
        ...(sel.executionId ? { executionId: sel.executionId } : {}),
        ...(sel.operationId ? { operationId: sel.operationId } : {}),
      },
      RESTORE_PAGE,
    );
    if (sel.snapshotIds) {
      // Ids are checked before anything is restored: an unknown one refuses the whole request.
      const rows = [...pages].flat();
      const found = new Set(rows.map((r) => r.snapshotId));
      const unknown = sel.snapshotIds.filter((id) => !found.has(id));
      if (rows.length === 0 || unknown.length > 0)
        throw notFound(
          `Unknown snapshot(s): ${unknown.join(", ")}. They may have been pruned by retention.`,
        );
      for (let i = 0; i < rows.length; i += RESTORE_PAGE) yield rows.slice(i, i + RESTORE_PAGE);
      return;
    }
    let any = false;
    for (const page of pages) {
      any = true;
      yield page;
    }
    if (!any)
      throw notFound(
        "No snapshots match: they may have been pruned by retention, or nothing was changed.",
      );
  }

  /**
   * `execution`: a workflow's own stop-and-rollback, covered by the confirmation its plan already
   * had (the gate checks the execution is approved for this profile). A selection of any size is
   * restored a page at a time; the answer lists every key skipped or failed, and restored keys up
   * to a limit (`itemsOmitted` counts the rest).
   */
  async restore(
    sel: SnapshotSelection,
    opts: {
      force?: boolean;
      confirmation?: Confirmation;
      execution?: { executionId: string; planId: string };
      /** Called after each page (2,000 keys), for a progress bar. */
      onProgress?: (p: RestoreProgress) => void;
    },
  ) {
    let profile: ConnectionProfile | undefined;
    const total = sel.snapshotIds?.length ?? this.d.snapshots.count(sel);
    const totals = { restored: 0, skipped: 0, failed: 0 };
    const items: RestoreItemResult[] = [];
    let itemsOmitted = 0;
    const note = (r: RestoreItemResult) => {
      const ok = r.status === "restored" || r.status === "deleted";
      totals[ok ? "restored" : r.status === "skipped" ? "skipped" : "failed"]++;
      if (items.length < MAX_ITEMS || (!ok && items.length < MAX_ITEMS * 10)) items.push(r);
      else itemsOmitted++;
    };
    // The confirmation given covers the whole selection ("Restore N keys"), but a challenge is
    // bound to one operation: once the first page's restore has passed the guardrail with it, the
    // later pages run in the gate's scope of this restore (closed when it ends).
    const scope: ConfirmationScope = this.d.gate.openScope();
    try {
      for (const rows of this.select(sel)) {
        const profileIds = new Set(rows.map((r) => r.profileId));
        if (profile) profileIds.add(profile.id);
        if (profileIds.size > 1)
          throw badInput(
            "These snapshots belong to different connections: restore one connection at a time.",
          );
        profile ??= this.d.profiles.resolve([...profileIds][0]!);
        await this.restorePage(profile, rows, { ...opts, scope }, note);
        opts.onProgress?.({ ...totals, total });
      }
    } finally {
      scope.close();
    }
    return { profile: profile!.name, ...totals, items, itemsOmitted };
  }

  private async restorePage(
    profile: ConnectionProfile,
    rows: SnapshotRecord[],
    opts: {
      force?: boolean;
      confirmation?: Confirmation;
      execution?: { executionId: string; planId: string };
      scope: ConfirmationScope;
    },
    note: (r: RestoreItemResult) => void,
  ): Promise<void> {
    // Per key: the oldest pre-image is the state before everything in the page; the newest
    // after-state is what our changes left (anything else now means someone changed it since).
    const byKey = new Map<string, { first: SnapshotRecord; last: SnapshotRecord; ids: string[] }>();
    for (const r of [...rows].reverse()) {
      const k = bytesKey(r.key);
      const e = byKey.get(k);
      if (e) {
        e.last = r;
        e.ids.push(r.snapshotId);
      } else byKey.set(k, { first: r, last: r, ids: [r.snapshotId] });
    }
    const entries = [...byKey.values()];
    const toRestore: { entry: (typeof entries)[number]; item: KeyRestore }[] = [];
    // Restore statuses are written once per page and status, not once per key.
    const marks: Record<"restored" | "skipped" | "failed", string[]> = {
      restored: [],
      skipped: [],
      failed: [],
    };
    const mark = () => {
      for (const [status, ids] of Object.entries(marks))
        this.d.snapshots.markRestored(ids, status as keyof typeof marks);
    };
    const currentStates = await this.d.gate.run(
      profile,
      { kind: "dump", keys: entries.map((e) => e.first.key) },
      {
        origin: this.origin,
        scope: opts.scope,
        ...(opts.execution ? { execution: opts.execution } : {}),
      },
    );
    entries.forEach((e, i) => {
      const conflict = conflictOf(e.last, stateDigest(currentStates[i]!));
      if (conflict && !opts.force) {
        note({
          ...keyOut(e.first.key),
          status: "skipped",
          reason: `${conflict}; restore it with force to overwrite`,
        });
        marks.skipped.push(...e.ids);
        return;
      }
      const item: KeyRestore = {
        key: e.first.key,
        existed: e.first.existed,
        absoluteExpiryMs: e.first.absoluteExpiryMs,
      };
      if (e.first.payload) item.payload = e.first.payload;
      if (e.first.flags !== undefined) item.flags = e.first.flags;
      toRestore.push({ entry: e, item });
    });
    if (toRestore.length === 0) {
      mark();
      return;
    }
    const outcomes = await this.d.gate.run(
      profile,
      { kind: "restore", items: toRestore.map((t) => t.item) },
      {
        origin: this.origin,
        scope: opts.scope,
        ...(opts.confirmation ? { confirmation: opts.confirmation } : {}),
        ...(opts.execution ? { execution: opts.execution } : {}),
      },
    );
    outcomes.forEach((o, i) => {
      const { entry } = toRestore[i]!;
      note({ ...keyOut(o.key), status: o.status, ...(o.reason ? { reason: o.reason } : {}) });
      const status =
        o.status === "restored" || o.status === "deleted"
          ? "restored"
          : o.status === "skipped"
            ? "skipped"
            : "failed";
      marks[status].push(...entry.ids);
    });
    mark();
  }
}

/** Why restoring would overwrite someone else's change, or undefined when it is safe. */
function conflictOf(snap: SnapshotRecord, currentDigest: string): string | undefined {
  if (snap.afterDigest === undefined) return "the state after the change was not recorded";
  if (snap.afterDigest !== currentDigest) return "the key changed after the snapshot";
  return undefined;
}
