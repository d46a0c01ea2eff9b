import {
  CachifyError,
  type Capabilities,
  type ConnectionProfile,
  conditionFor,
  expireApplies,
  FingerprintSet,
  type GateContext,
  type KeyBytes,
  type OperationGate,
  type PlanItem,
  type PlanItemWriter,
  type PlanRecord,
  type ShardScanPage,
  targetTtlSeconds,
  type WorkflowSpec,
  warmupSourceParam,
} from "@cachify/core";
import type { AccessReport } from "./access.ts";
import { readWarmupEntries } from "./files.ts";

/** SCAN COUNT hint while planning: large pages, few round trips (engine-facts: 10k ≈ 0.85 s/1M). */
const SCAN_COUNT = 10_000;
/** Memcached listing pages (the listing is taken once; pages are slices of it). */
const LISTING_PAGE = 10_000;
/** Keys per state read (TTL or existence) while planning. */
const INSPECT_BATCH = 5000;

export interface PlanProgress {
  scanned: number;
  matched: number;
}

export interface BuildInput {
  plan: PlanRecord;
  spec: WorkflowSpec;
  profile: ConnectionProfile;
  caps: Capabilities;
  /** Why the engine cannot store a key (CacheProvider.keyProblem). */
  keyProblem: (key: Uint8Array) => string | undefined;
  writer: PlanItemWriter;
  ctx: GateContext;
  signal: AbortSignal;
  onProgress(p: PlanProgress): void;
  /** Keys whose values will not be snapshotted (sensitive patterns): counted for the coverage. */
  sensitive?: (key: Uint8Array) => boolean;
  /** Checks the apply's permissions on the first planned key (started as soon as it is known). */
  checkAccess?: (sample: Uint8Array) => Promise<AccessReport | undefined>;
}

export interface BuildResult {
  matched: number;
  scanned: number;
  limitReached: boolean;
  duplicates: number;
  unchanged: number;
  /** Planned keys matching `sensitive`. */
  sensitive: number;
  nodes: string[];
  bestEffort?: string;
  access?: AccessReport;
}

/**
 * Builds a dry-run: streams the listing (every Cluster primary in parallel, the next page asked
 * for while this one is handled), de-duplicates by fingerprint, reads key state where the template
 * needs it, and appends the keys that would change to the plan store as it goes. Memory stays flat
 * whatever the number of keys (the fingerprints take 8-16 bytes per key).
 */
export class PlanBuilder {
  private readonly seen = new FingerprintSet();
  private matched = 0;
  private scanned = 0;
  private duplicates = 0;
  private unchanged = 0;
  private sensitive = 0;
  private limitReached = false;
  private readonly nodeIndex = new Map<string, number>();
  private readonly nodes: string[] = [];
  private bestEffort: string | undefined;
  private access: Promise<AccessReport | undefined> | undefined;
  /** Set once the access check finds the apply's commands refused: the listing stops. */
  private refusal: Error | undefined;

  constructor(
    private readonly gate: OperationGate,
    private readonly input: BuildInput,
  ) {}

  async build(): Promise<BuildResult> {
    const { spec } = this.input;
    if (spec.builtin === "warmup-set") await this.buildWarmup(spec);
    else {
      const { shards } = await this.gate.run(
        this.input.profile,
        { kind: "shards" },
        this.input.ctx,
      );
      await Promise.all(shards.map((s) => this.scanShard(s, spec)));
    }
    this.input.writer.flush();
    const access = await this.access;
    if (access?.refusal) throw access.refusal;
    return {
      matched: this.matched,
      scanned: this.scanned,
      limitReached: this.limitReached,
      duplicates: this.duplicates,
      unchanged: this.unchanged,
      sensitive: this.sensitive,
      nodes: this.nodes,
      ...(this.bestEffort ? { bestEffort: this.bestEffort } : {}),
      ...(access ? { access } : {}),
    };
  }

  private get stopped(): boolean {
    return this.input.signal.aborted || this.limitReached || this.refusal !== undefined;
  }

  private limit(): number | undefined {
    const s = this.input.spec;
    return s.builtin === "warmup-set" ? undefined : s.params.limit;
  }

  private async scanShard(
    shard: string,
    spec: Exclude<WorkflowSpec, { builtin: "warmup-set" }>,
  ): Promise<void> {
    const { profile, ctx } = this.input;
    // Engines without SCAN list whole servers: their pages are the listing's own size.
    const count = this.input.caps.scan ? SCAN_COUNT : LISTING_PAGE;
    const ask = (cursor: string) =>
      this.gate.run(
        profile,
        {
          kind: "scanShard",
          shard,
          cursor,
          count,
          ...(spec.params.pattern !== "*" ? { match: spec.params.pattern } : {}),
          ...(spec.params.type ? { type: spec.params.type } : {}),
        },
        ctx,
      );
    let pending: Promise<ShardScanPage> | undefined = ask("0");
    try {
      while (pending) {
        const page: ShardScanPage = await pending;
        pending = undefined;
        if (page.bestEffort) this.bestEffort = page.bestEffort;
        if (page.total !== undefined) this.expect(page, this.input.caps.scan);
        // Ask for the next page before handling this one: the server scans while we store.
        if (!page.done && !this.stopped) {
          pending = ask(page.cursor);
          // Let the request reach the socket (it passes the gate's async stages) before this
          // page's synchronous work starts: the server scans the next page meanwhile.
          await new Promise((resolve) => setImmediate(resolve));
        }
        this.scanned += page.keys.length;
        await this.take(page.keys, page.nodes, spec);
        this.input.onProgress({ scanned: this.scanned, matched: this.matched });
        if (this.stopped) break;
      }
    } finally {
      // A page asked for but no longer wanted (limit reached, cancelled, failed) is dropped.
      pending?.catch(() => {});
    }
  }

  /**
   * Sizes the de-dup set from the first page: the shard's key count times the share of keys the
   * page matched (SCAN looked at about COUNT keys for it; a listing page at all of them).
   */
  private expected = 0;
  private expect(page: ShardScanPage, scanned: boolean): void {
    // A listing without SCAN (Memcached's) totals every item, matching or not: no estimate.
    if (!scanned || page.done) return;
    const total = page.total ?? 0;
    const share = Math.min(1, page.keys.length / Math.min(SCAN_COUNT, Math.max(total, 1)));
    this.expected += Math.ceil(total * share * 1.05);
    const limit = this.limit();
    this.seen.reserve(limit !== undefined ? Math.min(limit, this.expected) : this.expected);
  }

  private lastNode: { address: string; index: number } | undefined;
  private nodeOf(address: string | undefined): number | undefined {
    if (address === undefined) return undefined;
    // Pages list long runs of keys from the same server.
    if (this.lastNode?.address === address) return this.lastNode.index;
    let i = this.nodeIndex.get(address);
    if (i === undefined) {
      i = this.nodes.length;
      this.nodes.push(address);
      this.nodeIndex.set(address, i);
    }
    this.lastNode = { address, index: i };
    return i;
  }

  /** De-duplicates a page and keeps the keys that would change, up to the limit. */
  private async take(
    keys: KeyBytes[],
    nodes: string[] | undefined,
    spec: Exclude<WorkflowSpec, { builtin: "warmup-set" }>,
  ): Promise<void> {
    const fresh: PlanItem[] = [];
    const seen = this.seen;
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i]!;
      if (!seen.add(key)) continue;
      if (nodes === undefined) fresh.push({ key });
      else fresh.push({ key, node: this.nodeOf(nodes[i])! });
    }
    let keep = fresh;
    // Mode "all" changes every key there is: its TTLs are read per preview page, not here.
    if (spec.builtin === "ttl-normalize" && spec.params.mode !== "all") {
      keep = [];
      const condition = conditionFor(spec.params.mode);
      for (let i = 0; i < fresh.length; i += INSPECT_BATCH) {
        const part = fresh.slice(i, i + INSPECT_BATCH);
        const states = await this.inspect(part);
        part.forEach((item, j) => {
          const ttlMs = states[j]!.ttlMs;
          const target = targetTtlSeconds(spec.params, item.key);
          if (expireApplies(condition, ttlMs, target)) {
            keep.push({ ...item, ttlMs, ttlSeconds: target });
          } else this.unchanged++;
        });
      }
    }
    this.store(keep);
  }

  private inspect(items: PlanItem[]) {
    const nodes = items.some((i) => i.node !== undefined)
      ? items.map((i) => this.nodes[i.node!]!)
      : undefined;
    return this.gate.run(
      this.input.profile,
      {
        kind: "inspectBatch",
        keys: items.map((i) => i.key),
        ...(nodes ? { nodes } : {}),
      },
      this.input.ctx,
    );
  }

  private store(items: PlanItem[]): void {
    const limit = this.limit();
    let take = items;
    if (limit !== undefined && this.matched + items.length >= limit) {
      take = items.slice(0, limit - this.matched);
      this.limitReached = true;
    }
    if (take.length === 0) return;
    const sensitive = this.input.sensitive;
    if (sensitive) for (const i of take) if (sensitive(i.key)) this.sensitive++;
    if (!this.access && this.input.checkAccess) {
      this.access = this.input.checkAccess(take[0]!.key).then((r) => {
        if (r?.refusal) this.refusal = r.refusal;
        return r;
      });
    }
    this.input.writer.append(take);
    this.matched += take.length;
  }

  private async buildWarmup(spec: Extract<WorkflowSpec, { builtin: "warmup-set" }>): Promise<void> {
    const { keyProblem } = this.input;
    const cond = spec.params.condition;
    const defaultTtl = spec.params.ttlSeconds;
    let position = 0;
    await readWarmupEntries(
      spec.params,
      async (entries) => {
        if (this.refusal) throw this.refusal;
        const fresh: PlanItem[] = [];
        for (const e of entries) {
          position++;
          this.scanned++;
          const problem = keyProblem(e.key);
          if (problem) {
            throw new CachifyError("bad-input", `Entry ${position}: ${problem}.`, {
              details: { param: warmupSourceParam(spec.params), entry: position },
            });
          }
          if (!this.seen.add(e.key)) {
            this.duplicates++;
            continue;
          }
          // The entry is the plan item (a WarmupEntry is one): no copy per entry.
          if (e.ttlSeconds === undefined && defaultTtl !== undefined) e.ttlSeconds = defaultTtl;
          fresh.push(e);
        }
        if (cond === "always") {
          // Every entry is written: whether it exists is shown live on each preview page.
          this.store(fresh);
          this.input.onProgress({ scanned: this.scanned, matched: this.matched });
          return;
        }
        const keep: PlanItem[] = [];
        for (let i = 0; i < fresh.length; i += INSPECT_BATCH) {
          const part = fresh.slice(i, i + INSPECT_BATCH);
          const states = await this.inspect(part);
          part.forEach((item, j) => {
            const existed = states[j]!.ttlMs !== -2;
            if ((cond === "if-absent" && existed) || (cond === "if-present" && !existed)) {
              this.unchanged++;
              return;
            }
            keep.push({ ...item, existed });
          });
        }
        this.store(keep);
        this.input.onProgress({ scanned: this.scanned, matched: this.matched });
      },
      this.input.signal,
      // Sized once for the whole file: no copies of a growing set, and a table that fits it.
      (n) => this.seen.reserve(Math.ceil(n * 1.05)),
    );
  }
}
