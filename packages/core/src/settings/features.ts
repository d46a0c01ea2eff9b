import { badInput } from "../common/errors.ts";

/** The V2 features that can be switched off; with all of them off the studio behaves like V1. */
export type FeatureName = "snapshots" | "metrics" | "alerts" | "retries";

export const FEATURE_NAMES: readonly FeatureName[] = ["snapshots", "metrics", "alerts", "retries"];

/** One switch per V2 feature: true is on (the default). */
export type FeatureSwitches = Record<FeatureName, boolean>;

export const DEFAULT_FEATURES: FeatureSwitches = {
  snapshots: true,
  metrics: true,
  alerts: true,
  retries: true,
};

/** What each switch covers, and what turning it off means (the Settings screen, `cachify settings`). */
export const FEATURE_INFO: Record<FeatureName, { label: string; off: string }> = {
  snapshots: {
    label: "Snapshots (undo)",
    off: "Changes are sent without saving each key's previous state first: no undo or rollback for them.",
  },
  metrics: {
    label: "Metrics collection",
    off: "The studio stops polling connections: no health cards, trends or engine events.",
  },
  alerts: {
    label: "Alerts",
    off: "Alert rules are not evaluated and send no notifications (rules are kept).",
  },
  retries: {
    label: "Retries",
    off: "Every operation is tried once, whatever the connection's retry policy says.",
  },
};

export function isFeatureName(name: string): name is FeatureName {
  return (FEATURE_NAMES as readonly string[]).includes(name);
}

/**
 * A change of switches over the current ones. Accepts a partial record; refuses anything that is
 * not an object, an unknown switch (naming the known ones) and a value that is not true or false.
 */
export function mergeFeatures(current: FeatureSwitches, input: unknown): FeatureSwitches {
  if (typeof input !== "object" || input === null || Array.isArray(input))
    throw badInput(
      `The feature switches must be an object such as {"snapshots": false} (switches: ${FEATURE_NAMES.join(", ")}).`,
    );
  const next = { ...current };
  for (const [name, value] of Object.entries(input)) {
    if (!isFeatureName(name))
      throw badInput(`Unknown feature switch "${name}": use one of ${FEATURE_NAMES.join(", ")}.`, {
        field: name,
      });
    if (typeof value !== "boolean")
      throw badInput(`${name} must be true or false (got ${JSON.stringify(value) ?? "nothing"}).`, {
        field: name,
      });
    next[name] = value;
  }
  return next;
}

/** A switch value typed on the command line: on/off, true/false, yes/no, 1/0. */
export function parseSwitch(name: string, text: string): boolean {
  const t = text.trim().toLowerCase();
  if (["on", "true", "yes", "1"].includes(t)) return true;
  if (["off", "false", "no", "0"].includes(t)) return false;
  throw badInput(`${name} must be on or off (got "${text}").`, { field: name });
}
