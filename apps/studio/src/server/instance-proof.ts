import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

/**
 * Challenge-response between a launcher and the studio recorded in `studio-instance.json`: the
 * launcher sends a random nonce, the studio answers HMAC(token, nonce). Any process can listen on
 * a recorded port once the studio is gone; only the studio can answer, and the token itself never
 * goes to a port before the answer is checked.
 */
export const NONCE_PATTERN = /^[0-9a-f]{32,128}$/;

export function instanceProof(token: string, nonce: string): string {
  // Domain-separated, so the answer is good for nothing but this check.
  return createHmac("sha256", token).update(`cachify-studio-instance:${nonce}`).digest("hex");
}

/**
 * ok: the studio on `port` holds `token`. not-ours: refused, or something else answered (another
 * program, another studio). busy: no answer in time (a stopped or overloaded studio).
 */
export async function proveInstance(
  port: number,
  token: string,
  timeoutMs: number,
): Promise<"ok" | "not-ours" | "busy"> {
  const nonce = randomBytes(24).toString("hex");
  try {
    const res = await fetch(`http://127.0.0.1:${port}/api/instance/proof?nonce=${nonce}`, {
      signal: AbortSignal.timeout(timeoutMs),
    });
    const body = (await res.json().catch(() => undefined)) as { proof?: unknown } | undefined;
    if (!res.ok || typeof body?.proof !== "string") return "not-ours";
    const got = Buffer.from(body.proof);
    const want = Buffer.from(instanceProof(token, nonce));
    return got.length === want.length && timingSafeEqual(got, want) ? "ok" : "not-ours";
  } catch (e) {
    const name = (e as Error).name;
    return name === "TimeoutError" || name === "AbortError" ? "busy" : "not-ours";
  }
}
