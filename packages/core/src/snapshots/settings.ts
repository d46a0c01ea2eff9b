import { badInput } from "../common/errors.ts";
import { checkGlob, keyMatcher } from "../common/glob.ts";
import type { KeyBytes } from "../common/keys.ts";

/**
 * A sensitive key pattern (docs/design/safety.md#redaction): values of matching keys are not
 * snapshotted unless `snapshot` is true (the user opted in), and a dry-run touching them says
 * rollback is partial.
 */
export interface SensitivePattern {
  pattern: string;
  snapshot: boolean;
}

export interface SnapshotSettings {
  /** Snapshots older than this are dropped. */
  retentionDays: number;
  /** Above this total of pre-image bytes, the oldest batches are dropped. */
  maxTotalMb: number;
  sensitive: SensitivePattern[];
}

export const DEFAULT_SNAPSHOT_SETTINGS: SnapshotSettings = {
  retentionDays: 7,
  maxTotalMb: 1024,
  sensitive: [],
};

const LIMITS = {
  retentionDays: { min: 1, max: 365 },
  maxTotalMb: { min: 16, max: 1024 * 1024 },
} as const;

const MAX_PATTERNS = 100;

/**
 * A change of snapshot settings over the current ones (a partial record). Refuses unknown fields,
 * numbers out of range and invalid patterns, naming the field and what to do.
 */
export function mergeSnapshotSettings(current: SnapshotSettings, input: unknown): SnapshotSettings {
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    throw badInput(
      'Snapshot settings must be an object such as {"retentionDays": 7, "maxTotalMb": 1024, "sensitive": [{"pattern": "session:*", "snapshot": false}]}.',
    );
  }
  const next: SnapshotSettings = { ...current, sensitive: [...current.sensitive] };
  for (const [field, value] of Object.entries(input)) {
    if (field === "retentionDays" || field === "maxTotalMb") {
      const { min, max } = LIMITS[field];
      if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
        throw badInput(`${field} must be a whole number from ${min} to ${max}.`, {
          param: field,
        });
      }
      next[field] = value;
    } else if (field === "sensitive") {
      next.sensitive = checkPatterns(value);
    } else {
      throw badInput(
        `Unknown snapshot setting "${field}": use retentionDays, maxTotalMb or sensitive.`,
        { param: field },
      );
    }
  }
  return next;
}

function checkPatterns(value: unknown): SensitivePattern[] {
  if (!Array.isArray(value) || value.length > MAX_PATTERNS) {
    throw badInput(
      `sensitive must be a list of at most ${MAX_PATTERNS} patterns such as [{"pattern": "session:*", "snapshot": false}].`,
      { param: "sensitive" },
    );
  }
  const seen = new Set<string>();
  return value.map((p, i) => {
    const pattern = (p as { pattern?: unknown })?.pattern;
    const snapshot = (p as { snapshot?: unknown })?.snapshot ?? false;
    if (typeof pattern !== "string" || pattern.trim() === "" || pattern.length > 1024) {
      throw badInput(`Sensitive pattern ${i + 1} needs a key pattern such as "session:*".`, {
        param: `sensitive[${i}].pattern`,
      });
    }
    if (typeof snapshot !== "boolean") {
      throw badInput(`Sensitive pattern "${pattern}": snapshot must be true or false.`, {
        param: `sensitive[${i}].snapshot`,
      });
    }
    try {
      checkGlob(pattern);
    } catch (e) {
      throw badInput(`Sensitive pattern ${i + 1}: ${(e as Error).message}`, {
        param: `sensitive[${i}].pattern`,
      });
    }
    if (seen.has(pattern)) {
      throw badInput(`Sensitive pattern "${pattern}" is listed twice: keep one.`, {
        param: `sensitive[${i}].pattern`,
      });
    }
    seen.add(pattern);
    return { pattern, snapshot };
  });
}

/**
 * Keys whose values are not snapshotted: those matching a sensitive pattern the user has not
 * opted in for. undefined when there are none (the common case costs nothing per key).
 */
export function unsnapshottedKeys(
  settings: SnapshotSettings,
): ((key: KeyBytes) => boolean) | undefined {
  const matchers = settings.sensitive.filter((p) => !p.snapshot).map((p) => keyMatcher(p.pattern));
  if (matchers.length === 0) return undefined;
  return (key) => matchers.some((m) => m(key));
}

/** The sensitive patterns left out of snapshots, for messages. */
export function unsnapshottedPatterns(settings: SnapshotSettings): string[] {
  return settings.sensitive.filter((p) => !p.snapshot).map((p) => p.pattern);
}
