import { parentPort } from "node:worker_threads";
import { CachifyError, DecoderRegistry, decodeChain, toPlainJson } from "@cachify/core";
import { copyBytes } from "../byte-writer.ts";
import { compressionLayer, coreLayers, prepareLayers } from "../layers/index.ts";
import type {
  AnswerMessage,
  ChainJob,
  ChainView,
  JobMessage,
  LayerJob,
  SerializedError,
} from "./protocol.ts";
import { READY } from "./protocol.ts";

/**
 * The worker side of the pool: runs one job at a time, a layer's decode or encode, or a whole
 * decoder chain (the core's formats and these layers, auto-detected or as chosen). A decode that runs
 * away is not stopped from in here (synchronous code cannot be interrupted); the pool ends this
 * whole thread at its deadline instead, which is why the work lives in a thread at all.
 */

function serialize(e: unknown): SerializedError {
  const err = e as {
    name?: string;
    code?: string;
    message?: string;
    details?: Record<string, unknown>;
  };
  if (err?.name === "CachifyError" && typeof err.code === "string")
    return {
      code: err.code,
      message: err.message ?? "",
      ...(err.details ? { details: err.details } : {}),
    };
  return { code: "internal", message: err?.message ?? String(e) };
}

/** Hands the result back without a copy when it owns its whole buffer, else copies once. */
function transferable(bytes: Uint8Array): Uint8Array {
  const whole = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
  return whole && bytes.buffer instanceof ArrayBuffer ? bytes : copyBytes(bytes);
}

/** Every format of the core and every layer here: what the studio's value viewer offers. */
const registry = new DecoderRegistry(coreLayers());

function view(job: ChainJob): ChainView {
  const { chain, node } = decodeChain(job.bytes, job.chain, { registry, limits: job.limits });
  return { chain, value: toPlainJson(node) };
}

function run(job: LayerJob): Uint8Array {
  const layer = compressionLayer(job.layer);
  if (!layer) throw new CachifyError("bad-input", `no compression layer named "${job.layer}"`);
  if (job.op === "decode") return layer.decode(job.bytes, job.limits);
  if (!layer.encode)
    throw new CachifyError("bad-input", `${job.layer} is view-only: it cannot encode`);
  return layer.encode(job.bytes);
}

const port = parentPort;
if (!port) throw new Error("codec-worker runs only as a worker thread");
await prepareLayers();
port.on("message", (job: JobMessage) => {
  let answer: AnswerMessage;
  try {
    if (job.op === "chain") {
      answer = { id: job.id, ok: true, view: view(job) };
      port.postMessage(answer);
      return;
    }
    const bytes = transferable(run(job));
    answer = { id: job.id, ok: true, bytes };
    port.postMessage(answer, [bytes.buffer as ArrayBuffer]);
  } catch (e) {
    answer = { id: job.id, ok: false, error: serialize(e) };
    port.postMessage(answer);
  }
});
port.postMessage(READY);
