import type { RunningStudio } from "@cachify/studio";

/** What a test reads from an API answer: any JSON shape. */
// biome-ignore lint/suspicious/noExplicitAny: tests read whatever JSON the route answers
export type Answer = [status: number, body: any];

/**
 * Calls to a running studio's API with its token, as the web UI makes them. `studio` is read at
 * each call, so the helpers can be made before the studio starts (in a describe's body).
 */
export function studioApi(studio: () => RunningStudio) {
  async function call(method: string, url: string, body?: unknown): Promise<Answer> {
    const s = studio();
    const res = await fetch(`http://127.0.0.1:${s.port}${url}`, {
      method,
      headers: {
        authorization: `Bearer ${s.token}`,
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return [res.status, text ? JSON.parse(text) : undefined];
  }

  /** Sends; a 428 is answered as the UI does (Confirm, or the typed name) and the request re-sent. */
  async function confirmed(
    method: string,
    url: string,
    body: Record<string, unknown>,
  ): Promise<Answer> {
    const [status, first] = await call(method, url, body);
    if (status !== 428) return [status, first];
    const d = first.error.details;
    return call(method, url, {
      ...body,
      confirm: { challengeId: d.challengeId, ...(d.type ? { typedName: d.type } : {}) },
    });
  }

  return { call, confirmed };
}
