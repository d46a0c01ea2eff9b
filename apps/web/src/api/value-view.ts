import type { PlainJson } from "@cachify/core";
import { useQuery } from "@tanstack/react-query";
import { request } from "./client.ts";
import { qk } from "./hooks.ts";

export type { PlainJson };

/**
 * `GET /api/profiles/:id/value/view` (docs/api.md, "Values"): a string value decoded by the chain
 * the studio detects (`view=auto`) or the one given (`gzip,json`). `value` is the core's plain
 * JSON projection (packages/core/src/decoders/plain-json.ts); `formats` are what "view as" offers.
 */
export interface ValueView {
  key: string;
  keyBase64: string;
  type: "string";
  chain: string[];
  value: PlainJson;
  formats: string[];
}

export const valueViewApi = {
  get: (profileId: string, keyBase64: string, view: string, signal?: AbortSignal) =>
    request<ValueView>("GET", `/api/profiles/${encodeURIComponent(profileId)}/value/view`, {
      query: { keyBase64, view },
      signal,
    }),
};

/** Under the value's query key, so "Reload value" and live changes refresh the decoded view too. */
export const valueViewKey = (profileId: string, keyBase64: string, view: string) =>
  [...qk.value(profileId, keyBase64), "view", view] as const;

/**
 * The value seen through `view` ("auto" or a comma-separated chain). A 400 (not that format, a
 * decode limit hit) is the answer to show, not a failure to retry.
 */
export function useValueView(profileId: string, keyBase64: string, view: string, enabled = true) {
  return useQuery({
    queryKey: valueViewKey(profileId, keyBase64, view),
    queryFn: ({ signal }) => valueViewApi.get(profileId, keyBase64, view, signal),
    enabled,
    retry: false,
    staleTime: 0,
  });
}
