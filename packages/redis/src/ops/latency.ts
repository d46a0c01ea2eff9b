import type { LatencyReport } from "@cachify/core";
import type { Redis } from "ioredis";
import { nodeAddress, type RedisContext } from "../context.ts";
import { sendBuffer } from "../send.ts";

const text = (v: unknown) => (Buffer.isBuffer(v) ? v.toString() : String(v ?? ""));

/**
 * LATENCY LATEST, then LATENCY HISTORY of each event, on every primary. Redis records nothing
 * until `latency-monitor-threshold` is set: then `enabled` is false with the reason (we never set
 * it: it is the server owner's choice).
 */
export async function latency(ctx: RedisContext): Promise<LatencyReport> {
  const nodes = ctx.primaries();
  const perNode = await Promise.all(nodes.map((n) => readNode(n)));
  const report: LatencyReport = { enabled: false, samples: [] };
  const reasons = new Set<string>();
  for (const r of perNode) {
    if (r.enabled) report.enabled = true;
    if (r.thresholdMs !== undefined)
      report.thresholdMs = Math.max(report.thresholdMs ?? 0, r.thresholdMs);
    if (r.reason) reasons.add(r.reason);
    report.samples.push(...r.samples);
  }
  if (!report.enabled && reasons.size > 0) report.reason = [...reasons].join("; ");
  report.samples.sort((a, b) => a.ts - b.ts);
  return report;
}

async function readNode(node: Redis): Promise<LatencyReport> {
  const where = nodeAddress(node);
  let thresholdMs: number | undefined;
  let reason: string | undefined;
  try {
    const reply = (await sendBuffer(node, "CONFIG", [
      "GET",
      "latency-monitor-threshold",
    ])) as unknown[];
    thresholdMs = Number(text(reply[1]));
  } catch (e) {
    reason = `cannot read latency-monitor-threshold (${(e as Error).message})`;
  }
  const report: LatencyReport = { enabled: (thresholdMs ?? 0) > 0, samples: [] };
  if (thresholdMs !== undefined) report.thresholdMs = thresholdMs;
  if (thresholdMs === 0)
    reason = `latency monitoring is off on ${where} (latency-monitor-threshold is 0): set it on the server, e.g. CONFIG SET latency-monitor-threshold 100`;
  if (reason) report.reason = reason;
  let latest: unknown[];
  try {
    latest = (await sendBuffer(node, "LATENCY", ["LATEST"])) as unknown[];
  } catch (e) {
    report.enabled = false;
    report.reason = `LATENCY is not available on ${where} (${(e as Error).message})`;
    return report;
  }
  const events = latest.filter(Array.isArray).map((row) => text((row as unknown[])[0]));
  // A threshold we could not read, but recorded events: it is on.
  if (events.length > 0) report.enabled = true;
  const histories = await Promise.all(
    events.map(async (event) => {
      try {
        return {
          event,
          rows: (await sendBuffer(node, "LATENCY", ["HISTORY", event])) as unknown[],
        };
      } catch {
        return { event, rows: [] as unknown[] };
      }
    }),
  );
  for (const { event, rows } of histories) {
    for (const row of rows) {
      if (!Array.isArray(row)) continue;
      report.samples.push({
        node: where,
        event,
        ts: Number(row[0]) * 1000,
        latencyMs: Number(row[1]),
      });
    }
  }
  return report;
}
