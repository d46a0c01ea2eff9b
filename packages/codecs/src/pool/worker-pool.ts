import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import { CachifyError, type DecodeLimits as ChainLimits, limitsWith } from "@cachify/core";
import { copyBytes } from "../byte-writer.ts";
import { timeoutError } from "../errors.ts";
import { type DecodeLimits, withDefaults } from "../layer.ts";
import type { AnswerMessage, ChainView, JobMessage } from "./protocol.ts";
import { READY } from "./protocol.ts";

/**
 * A few worker threads that run the layers, so that decoding a large or hostile value never
 * blocks the studio's event loop (issue 17, safety). Each worker does one job at a time; a job
 * that passes its deadline gets its worker terminated (the only way to stop synchronous code)
 * and a fresh worker takes its place. Idle workers are unref'd so they never hold the process.
 */

export interface PoolOptions {
  /** Number of workers; two keeps one free while the other chews on a large value. */
  size?: number;
  /** The worker script; defaults to codec-worker found from this file (see defaultWorkerUrl). */
  workerUrl?: URL;
  /** V8 heap cap of each worker, in MiB: a bug that piles up objects ends the worker, not us. */
  maxHeapMb?: number;
}

/** A job before the pool numbers it. */
type Unsent = JobMessage extends infer M ? (M extends unknown ? Omit<M, "id"> : never) : never;

interface Job {
  message: Unsent;
  /** What an error names: the layer, or the chain ("auto" when detected). */
  label: string;
  timeoutMs: number;
  resolve: (answer: Uint8Array | ChainView) => void;
  reject: (e: Error) => void;
}

interface Slot {
  worker: Worker;
  ready: boolean;
  job?: { id: number; job: Job; timer: NodeJS.Timeout };
}

/**
 * Where the worker script is. From the sources (tests, tsx) it is codec-worker.ts beside this
 * file. In the studio's bundle (apps/studio/build.mjs) it is the entry `codec-worker.js` at the
 * bundle's root, while this code sits in a shared chunk under `chunks/` (or, were it ever inlined
 * into an entry, at the root itself): so beside this file first, then one folder up.
 */
export function defaultWorkerUrl(from: string = import.meta.url): URL {
  const here = new URL(from);
  if (here.pathname.endsWith(".ts")) return new URL("./codec-worker.ts", here);
  const candidates = [new URL("./codec-worker.js", here), new URL("../codec-worker.js", here)];
  return candidates.find((u) => existsSync(u)) ?? candidates[0]!;
}

/** tsx's ESM register API, found through its package's exports map (tsx is a dev dependency). */
function tsxApiPath(): string {
  const req = createRequire(import.meta.url);
  const manifest = req.resolve("tsx/package.json");
  const exported = JSON.parse(readFileSync(manifest, "utf8")).exports["./esm/api"].import.default;
  return join(dirname(manifest), exported);
}

/** Starts a worker; a TypeScript entry (tests, `tsx` runs) gets tsx's loader registered first. */
function startWorker(url: URL, maxHeapMb: number): Worker {
  const resourceLimits = { maxOldGenerationSizeMb: maxHeapMb };
  if (!url.pathname.endsWith(".ts")) return new Worker(url, { resourceLimits });
  const tsx = pathToFileURL(tsxApiPath()).href;
  const boot = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(url.href)}); });`;
  return new Worker(boot, { eval: true, resourceLimits });
}

export class CodecPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private readonly url: URL;
  private readonly size: number;
  private readonly maxHeapMb: number;
  private nextId = 1;
  private closed = false;

  constructor(options: PoolOptions = {}) {
    this.size = Math.max(1, options.size ?? 2);
    this.url = options.workerUrl ?? defaultWorkerUrl();
    this.maxHeapMb = options.maxHeapMb ?? 256;
  }

  decode(
    layer: string,
    bytes: Uint8Array,
    limits: Partial<DecodeLimits> = {},
  ): Promise<Uint8Array> {
    const full = withDefaults(limits);
    return this.submit(
      { op: "decode", layer, bytes, limits: full },
      layer,
      full.timeoutMs,
    ) as Promise<Uint8Array>;
  }

  /**
   * Runs `decodeChain` in a worker with every format of the core and every layer of this package:
   * the chain given, or detection when there is none. Answers the steps applied and the value as
   * plain JSON; a job past `timeoutMs` (default 5 s) ends its worker and is refused.
   */
  view(
    bytes: Uint8Array,
    chain?: readonly string[],
    limits: Partial<ChainLimits> & { timeoutMs?: number } = {},
  ): Promise<ChainView> {
    const { timeoutMs = withDefaults().timeoutMs, ...rest } = limits;
    // A limit left undefined keeps its default rather than erasing it.
    const given = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined));
    const message = {
      op: "chain" as const,
      bytes,
      limits: limitsWith(given),
      ...(chain ? { chain: [...chain] } : {}),
    };
    return this.submit(message, chain ? chain.join(",") : "auto", timeoutMs) as Promise<ChainView>;
  }

  encode(
    layer: string,
    bytes: Uint8Array,
    timeoutMs = withDefaults().timeoutMs,
  ): Promise<Uint8Array> {
    return this.submit(
      { op: "encode", layer, bytes, limits: withDefaults() },
      layer,
      timeoutMs,
    ) as Promise<Uint8Array>;
  }

  /** Ends every worker; pending jobs are refused. */
  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0))
      job.reject(new CachifyError("internal", "the codec pool was closed"));
    await Promise.all(
      [...this.slots].map((slot) => {
        if (slot.job) {
          clearTimeout(slot.job.timer);
          slot.job.job.reject(new CachifyError("internal", "the codec pool was closed"));
          slot.job = undefined;
        }
        return this.retire(slot);
      }),
    );
  }

  private submit(
    message: Unsent,
    label: string,
    timeoutMs: number,
  ): Promise<Uint8Array | ChainView> {
    if (this.closed)
      return Promise.reject(new CachifyError("internal", "the codec pool is closed"));
    return new Promise((resolve, reject) => {
      // The caller keeps its bytes: the worker gets its own copy, moved rather than cloned.
      const bytes = copyBytes(message.bytes);
      this.queue.push({ message: { ...message, bytes }, label, timeoutMs, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.queue.length > 0) {
      const slot = this.slots.find((s) => s.ready && !s.job);
      if (!slot) {
        // A worker still starting counts as capacity: it pumps when it reports ready.
        if (this.slots.length < this.size) this.spawn();
        return;
      }
      this.dispatch(slot, this.queue.shift()!);
    }
  }

  private spawn(): void {
    const worker = startWorker(this.url, this.maxHeapMb);
    const slot: Slot = { worker, ready: false };
    this.slots.push(slot);
    worker.on("message", (m: AnswerMessage | typeof READY) => {
      if (m === READY) {
        slot.ready = true;
        worker.unref();
        this.pump();
        return;
      }
      this.answer(slot, m);
    });
    worker.on("error", (e) => this.fail(slot, e));
    worker.on("exit", (code) => this.fail(slot, new Error(`codec worker exited (${code})`)));
  }

  private dispatch(slot: Slot, job: Job): void {
    const id = this.nextId++;
    const timer = setTimeout(() => {
      job.reject(timeoutError(job.label, job.timeoutMs));
      slot.job = undefined;
      void this.retire(slot);
      this.pump();
    }, job.timeoutMs);
    slot.job = { id, job, timer };
    slot.worker.ref();
    slot.worker.postMessage({ id, ...job.message }, [job.message.bytes.buffer as ArrayBuffer]);
  }

  private answer(slot: Slot, m: AnswerMessage): void {
    const current = slot.job;
    if (!current || current.id !== m.id) return;
    clearTimeout(current.timer);
    slot.job = undefined;
    slot.worker.unref();
    if (m.ok) current.job.resolve("view" in m ? m.view : m.bytes);
    else
      current.job.reject(
        new CachifyError(m.error.code as CachifyError["code"], m.error.message, {
          ...(m.error.details ? { details: m.error.details } : {}),
        }),
      );
    this.pump();
  }

  /** A worker that crashed (or ran out of its heap) fails its job and leaves the pool. */
  private fail(slot: Slot, e: Error): void {
    const current = slot.job;
    slot.job = undefined;
    if (current) {
      clearTimeout(current.timer);
      const oom = /ERR_WORKER_OUT_OF_MEMORY/.test(
        String((e as { code?: string }).code ?? e.message),
      );
      current.job.reject(
        new CachifyError(
          "internal",
          oom
            ? `${current.job.label}: decoding ran out of the worker's memory and was stopped.`
            : `${current.job.label}: the decoding worker failed (${e.message}).`,
        ),
      );
    }
    const i = this.slots.indexOf(slot);
    if (i >= 0) {
      this.slots.splice(i, 1);
      void slot.worker.terminate();
    }
    // A worker that never started will not start next time either: refuse the queue, no respawn loop.
    if (!slot.ready) {
      for (const job of this.queue.splice(0))
        job.reject(new CachifyError("internal", `the codec worker could not start (${e.message})`));
      return;
    }
    if (!this.closed) this.pump();
  }

  private async retire(slot: Slot): Promise<void> {
    const i = this.slots.indexOf(slot);
    if (i >= 0) this.slots.splice(i, 1);
    slot.worker.removeAllListeners();
    await slot.worker.terminate();
  }
}
