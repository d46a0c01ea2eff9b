import type { KeyDump, KeyRestore, RestoreOutcome } from "@cachify/core";
import type { MetaReply } from "../client/replies.ts";
import { metaDelete, metaGet, metaSet, type Request } from "../client/requests.ts";
import type { PoolServer, ServerPool } from "../pool/server-pool.ts";
import { exptimeFor } from "./ttl.ts";

type Meta = (server: PoolServer, requests: Request[], signal: AbortSignal) => Promise<MetaReply[]>;

/**
 * Pre-images on memcached: the value, its client flags and its TTL (`mg v f t`), per server of
 * the pool in one pipeline each. memcached has no DUMP; this is everything an item holds.
 */
export async function dumpKeys(
  pool: ServerPool,
  meta: Meta,
  keys: Uint8Array[],
  signal: AbortSignal,
): Promise<KeyDump[]> {
  const out: KeyDump[] = new Array(keys.length);
  const now = Date.now();
  await Promise.all(
    [...pool.groupByServer(keys, (k) => k)].map(async ([server, group]) => {
      const replies = await meta(
        server,
        group.map((g) => metaGet(g.item, ["v", "f", "t"])),
        signal,
      );
      replies.forEach((r, i) => {
        const { index, item: key } = group[i]!;
        if (r.status !== "VA" || !r.value) {
          out[index] = {
            key,
            existed: false,
            type: "none",
            absoluteExpiryMs: null,
            sizeBytes: 0,
            node: server.address,
          };
          return;
        }
        const t = Number(r.flags.t);
        out[index] = {
          key,
          existed: true,
          type: "string",
          absoluteExpiryMs: Number.isInteger(t) && t >= 0 ? now + t * 1000 : null,
          payload: new Uint8Array(r.value),
          flags: Number(r.flags.f ?? 0),
          sizeBytes: r.value.length,
          node: server.address,
        };
      });
    }),
  );
  return out;
}

/** Puts pre-images back: ms with the old flags and the remaining TTL, or md where none existed. */
export async function restoreKeys(
  pool: ServerPool,
  meta: Meta,
  items: KeyRestore[],
  signal: AbortSignal,
): Promise<RestoreOutcome[]> {
  const out: RestoreOutcome[] = new Array(items.length);
  const now = Date.now();
  await Promise.all(
    [...pool.groupByServer(items, (i) => i.key)].map(async ([server, group]) => {
      const requests: Request[] = [];
      const sent: number[] = [];
      for (const { index, item } of group) {
        if (!item.existed) {
          requests.push(metaDelete(item.key));
          sent.push(index);
          continue;
        }
        if (item.absoluteExpiryMs !== null && item.absoluteExpiryMs <= now) {
          out[index] = {
            key: item.key,
            status: "skipped",
            reason: "its TTL has run out since the snapshot",
          };
          continue;
        }
        const ttl =
          item.absoluteExpiryMs === null
            ? "T0"
            : `T${exptimeFor(Math.max(1, Math.ceil((item.absoluteExpiryMs - now) / 1000)))}`;
        requests.push(
          metaSet(item.key, item.payload ?? new Uint8Array(), [ttl, `F${item.flags ?? 0}`]),
        );
        sent.push(index);
      }
      if (requests.length === 0) return;
      const replies = await meta(server, requests, signal);
      replies.forEach((r, i) => {
        const index = sent[i]!;
        const item = items[index]!;
        if (!item.existed) out[index] = { key: item.key, status: "deleted" };
        else if (r.status === "HD") out[index] = { key: item.key, status: "restored" };
        else
          out[index] = {
            key: item.key,
            status: "failed",
            reason: `memcached answered ${r.status}`,
          };
      });
    }),
  );
  return out;
}
