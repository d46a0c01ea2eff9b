import type { ExecutionStatus, PlanItem, StepRecord } from "../../api/types.ts";
import { formatCount, formatTtl } from "../../lib/format.ts";

export const STATUS_LABEL: Record<ExecutionStatus, string> = {
  running: "running",
  succeeded: "succeeded",
  failed: "failed",
  aborted: "aborted",
  cancelled: "cancelled",
  interrupted: "interrupted",
  "rolled-back": "rolled back",
};

/** Colour class of a status badge (ok / warn / danger / neutral). */
export function statusTone(s: ExecutionStatus | StepRecord["status"] | string): string {
  if (s === "succeeded" || s === "ready") return "ok";
  if (s === "failed" || s === "aborted") return "danger";
  if (s === "running" || s === "building" || s === "pending") return "active";
  if (s === "cancelled" || s === "interrupted" || s === "rolled-back" || s === "skipped")
    return "warn";
  return "neutral";
}

export function isTerminal(s: ExecutionStatus): boolean {
  return s !== "running";
}

/** 0 ms → "0 s", 65 000 → "1 min 5 s", 4 000 000 → "1 h 6 min". */
export function formatSpan(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return "—";
  if (ms < 1000) return ms <= 0 ? "0 s" : "<1 s";
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return s % 60 ? `${m} min ${s % 60} s` : `${m} min`;
  const h = Math.floor(m / 60);
  return m % 60 ? `${h} h ${m % 60} min` : `${h} h`;
}

export function formatRate(rate: number): string {
  if (!Number.isFinite(rate) || rate <= 0) return "—";
  return `${formatCount(Math.round(rate))} keys/s`;
}

/** A TTL in seconds as the preview shows it: the number, or "none" / "missing". */
export function ttlWord(ttl: number | undefined): string {
  if (ttl === undefined) return "?";
  if (ttl === -1) return "none";
  if (ttl === -2) return "missing";
  return formatCount(ttl);
}

/** What the execution would do to one key, in words ("TTL 3,600 → 600", "delete", ...). */
export function changeText(item: PlanItem): { text: string; title?: string; tone: string } {
  switch (item.change) {
    case "delete":
      return { text: "delete", tone: "danger" };
    case "expire":
      return {
        text: `TTL ${ttlWord(item.ttl)} → ${ttlWord(item.ttlAfter)}`,
        title: `${formatTtl(item.ttl)} → ${item.ttlAfter === undefined ? "?" : formatTtl(item.ttlAfter)} (seconds)`,
        tone: "warn",
      };
    case "set":
      if (item.wouldOverwrite) return { text: "set · would overwrite", tone: "danger" };
      if (item.exists) return { text: "set · exists", tone: "warn" };
      return { text: "set · new key", tone: "ok" };
    default:
      return { text: "no change", tone: "neutral", ...(item.note ? { title: item.note } : {}) };
  }
}

/** A param's value for display: text as is, others as compact JSON. */
export function showValue(v: unknown): string {
  if (v === undefined) return "(not set)";
  if (v === null) return "null";
  if (typeof v === "string") return v === "" ? '""' : v;
  if (Array.isArray(v)) return `${formatCount(v.length)} entries`;
  return JSON.stringify(v);
}

export function shortId(id: string | null | undefined): string {
  if (!id) return "";
  const i = id.indexOf("_");
  return i >= 0 ? `${id.slice(0, i + 1)}…${id.slice(-6)}` : id.slice(-8);
}
