import { badInput, type ScanPage, type ValueType } from "@cachify/core";
import type { Redis } from "ioredis";

export interface ScanRequest {
  cursor: string;
  match?: string;
  type?: ValueType;
  count?: number;
}

/** A cluster scan walks the primaries one after the other: the cursor is "node-index:cursor". */
export function parseClusterCursor(
  cursor: string,
  nodeCount: number,
): { node: number; cursor: string } {
  if (cursor === "0" || cursor === "") return { node: 0, cursor: "0" };
  const m = /^(\d+):(\d+)$/.exec(cursor);
  if (!m || Number(m[1]) >= nodeCount) {
    throw badInput(
      `Cursor "${cursor}" does not belong to this cluster scan: start again from cursor 0.`,
    );
  }
  return { node: Number(m[1]), cursor: m[2]! };
}

export function checkCursor(cursor: string): string {
  if (cursor === "") return "0";
  if (!/^\d+$/.test(cursor))
    throw badInput(`Cursor "${cursor}" is not a SCAN cursor: start from 0.`);
  return cursor;
}

const TYPE_NAMES: Partial<Record<ValueType, string>> = {
  string: "string",
  hash: "hash",
  list: "list",
  set: "set",
  zset: "zset",
  stream: "stream",
};

export async function scanNode(
  node: Redis,
  req: ScanRequest,
  cursor: string,
): Promise<{ keys: Buffer[]; cursor: string }> {
  const args: (string | number)[] = [cursor];
  if (req.match && req.match !== "*") args.push("MATCH", req.match);
  args.push("COUNT", req.count ?? 500);
  if (req.type) {
    const t = TYPE_NAMES[req.type];
    if (!t)
      throw badInput(
        `Type filter "${req.type}" is not a Redis type: use string, hash, list, set, zset or stream.`,
      );
    args.push("TYPE", t);
  }
  const [next, keys] = (await node.scanBuffer(...(args as [string]))) as unknown as [
    Buffer,
    Buffer[],
  ];
  return { keys, cursor: next.toString() };
}

/**
 * One page of a cluster-wide scan: keep scanning node by node until some keys are found or the
 * node's scan ends, so a page never comes back empty just because one primary had no match.
 */
export async function scanCluster(
  primaries: Redis[],
  req: ScanRequest,
): Promise<Omit<ScanPage, "total">> {
  let { node, cursor } = parseClusterCursor(req.cursor, primaries.length);
  const keys: Buffer[] = [];
  const want = req.count ?? 500;
  while (node < primaries.length) {
    const page = await scanNode(primaries[node]!, req, cursor);
    keys.push(...page.keys);
    if (page.cursor === "0") {
      node++;
      cursor = "0";
    } else cursor = page.cursor;
    if (keys.length >= Math.min(want, 1) && cursor !== "0") break;
    if (keys.length >= want) break;
  }
  const done = node >= primaries.length;
  return { keys, cursor: done ? "0" : `${node}:${cursor}`, done };
}
