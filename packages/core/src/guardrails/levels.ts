import { badInput } from "../common/errors.ts";
import type { Environment } from "../profiles/profile.ts";

export type GuardLevel = "none" | "confirm" | "typed-name";

export const GUARD_LEVELS: readonly GuardLevel[] = ["none", "confirm", "typed-name"];

/** Orders levels by what they ask (none < confirm < typed-name). */
export const guardLevelRank = (level: GuardLevel): number => GUARD_LEVELS.indexOf(level);

/**
 * The two configurable rows of the table in docs/design/safety.md#environments-and-guard-levels:
 * `destructive` (delete, overwrite, shorten a TTL, rename over, rollback restore) and `raw` (a
 * console command classified write, admin or unknown). Reads and writes that create never ask;
 * workflows have their own dry-run ceremony.
 */
export type GuardrailAction = "destructive" | "raw";

export const GUARDRAIL_ACTIONS: readonly GuardrailAction[] = ["destructive", "raw"];

export const GUARDRAIL_ENVIRONMENTS: readonly Environment[] = ["dev", "staging", "prod"];

/** The level each environment asks for, per action (Settings → Guardrails). */
export type GuardrailLevels = Record<Environment, Record<GuardrailAction, GuardLevel>>;

/** The defaults of docs/design/safety.md#environments-and-guard-levels. */
export const DEFAULT_GUARDRAIL_LEVELS: GuardrailLevels = {
  dev: { destructive: "confirm", raw: "none" },
  staging: { destructive: "confirm", raw: "confirm" },
  prod: { destructive: "typed-name", raw: "typed-name" },
};

/** Why prod cannot be changed (the Settings screen, the CLI and the refusal say it). */
export const PROD_GUARDRAIL_REASON =
  "Production always asks for the profile name typed. This safety rule cannot be lowered.";

/** The levels in force for a profile's environment. Prod is fixed whatever `levels` says. */
export function levelsFor(
  levels: GuardrailLevels,
  environment: Environment,
): Record<GuardrailAction, GuardLevel> {
  if (environment === "prod") return DEFAULT_GUARDRAIL_LEVELS.prod;
  return levels[environment] ?? DEFAULT_GUARDRAIL_LEVELS[environment];
}

const isEnvironment = (e: string): e is Environment =>
  (GUARDRAIL_ENVIRONMENTS as readonly string[]).includes(e);
const isAction = (a: string): a is GuardrailAction =>
  (GUARDRAIL_ACTIONS as readonly string[]).includes(a);
const isLevel = (l: unknown): l is GuardLevel =>
  typeof l === "string" && (GUARD_LEVELS as readonly string[]).includes(l);

const EXAMPLE = '{"dev": {"destructive": "typed-name"}, "staging": {"raw": "none"}}';

/**
 * A change of guardrail levels over the current ones: a partial record per environment and
 * action. Refuses anything but an object, unknown environments and actions, levels other than
 * none/confirm/typed-name, and any prod level below typed-name. `details.param` names the field
 * ("prod.destructive"); nothing of a refused change is applied.
 */
export function mergeGuardrailLevels(current: GuardrailLevels, input: unknown): GuardrailLevels {
  if (!isObject(input))
    throw badInput(`Guardrail levels must be an object such as ${EXAMPLE}.`, { param: "levels" });
  const next: GuardrailLevels = {
    dev: { ...current.dev },
    staging: { ...current.staging },
    prod: { ...DEFAULT_GUARDRAIL_LEVELS.prod },
  };
  for (const [env, actions] of Object.entries(input)) {
    if (!isEnvironment(env))
      throw badInput(
        `Unknown environment "${env}": use one of ${GUARDRAIL_ENVIRONMENTS.join(", ")}.`,
        { param: env },
      );
    if (!isObject(actions))
      throw badInput(
        `${env} must be an object such as {"destructive": "confirm", "raw": "none"}.`,
        { param: env },
      );
    for (const [action, level] of Object.entries(actions)) {
      const param = `${env}.${action}`;
      if (!isAction(action))
        throw badInput(
          `Unknown guardrail "${param}": use ${GUARDRAIL_ACTIONS.map((a) => `${env}.${a}`).join(" or ")}.`,
          { param },
        );
      if (!isLevel(level))
        throw badInput(
          `${param} must be one of ${GUARD_LEVELS.join(", ")} (got ${JSON.stringify(level) ?? "nothing"}).`,
          { param },
        );
      if (env === "prod" && level !== "typed-name")
        throw badInput(
          `${param} cannot be lowered to ${level}: production always asks for the profile name typed (a safety rule).`,
          { param },
        );
      next[env][action] = level;
    }
  }
  return next;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** What `GET /api/settings/guardrails` and `cachify settings show --json` answer. */
export interface GuardrailsView {
  /** In force: dev and staging as saved, prod fixed at typed-name. */
  levels: GuardrailLevels;
  defaults: GuardrailLevels;
  /** Environments whose levels cannot be changed, with the reason. */
  fixed: Partial<Record<Environment, string>>;
}

export function guardrailsView(levels: GuardrailLevels): GuardrailsView {
  return {
    levels: {
      dev: { ...levels.dev },
      staging: { ...levels.staging },
      prod: { ...DEFAULT_GUARDRAIL_LEVELS.prod },
    },
    defaults: DEFAULT_GUARDRAIL_LEVELS,
    fixed: { prod: PROD_GUARDRAIL_REASON },
  };
}
