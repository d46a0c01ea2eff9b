import type {
  Environment,
  GuardLevel,
  GuardrailAction,
  GuardrailLevels,
  GuardrailsView,
} from "@cachify/core";
import { useQuery } from "@tanstack/react-query";
import { request } from "./client.ts";

export type { Environment, GuardLevel, GuardrailAction, GuardrailLevels, GuardrailsView };

/** A change: some levels of some environments (prod can only be typed-name). */
export type GuardrailsInput = Partial<
  Record<Environment, Partial<Record<GuardrailAction, GuardLevel>>>
>;

/** `GET|PUT /api/settings/guardrails` (docs/api.md, "Settings: guardrail levels"). */
export const guardrailsApi = {
  get: (signal?: AbortSignal) =>
    request<GuardrailsView>("GET", "/api/settings/guardrails", { signal }),
  update: (input: GuardrailsInput) =>
    request<GuardrailsView>("PUT", "/api/settings/guardrails", { body: input }),
};

export const guardrailKeys = { all: ["settings", "guardrails"] as const };

/** The confirmation levels per environment, as the studio enforces them. */
export function useGuardrails() {
  return useQuery({
    queryKey: guardrailKeys.all,
    queryFn: ({ signal }) => guardrailsApi.get(signal),
    staleTime: 30_000,
  });
}
