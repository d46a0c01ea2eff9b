import { randomBytes } from "node:crypto";
import { CachifyError } from "@cachify/core";

/** How long a launch link works: long enough to paste it, short enough to be worthless later. */
export const CODE_TTL_MS = 60_000;
/** Codes alive at once; only token holders mint, so this only bounds a runaway script. */
const MAX_LIVE = 64;

/**
 * One-time codes for launch links (`/?code=…`): what a browser's argv, the terminal and the
 * window's history see instead of the session token. The page trades one for the token once.
 */
export class LaunchCodes {
  private readonly expiry = new Map<string, number>();

  constructor(
    private readonly now: () => number = Date.now,
    readonly ttlMs: number = CODE_TTL_MS,
  ) {}

  mint(): string {
    const t = this.now();
    for (const [code, until] of this.expiry) if (until <= t) this.expiry.delete(code);
    // Map order is insertion order: the first is the oldest.
    if (this.expiry.size >= MAX_LIVE) this.expiry.delete(this.expiry.keys().next().value!);
    const code = randomBytes(18).toString("base64url");
    this.expiry.set(code, t + this.ttlMs);
    return code;
  }

  /** True once per code, within its lifetime; the code is spent either way. */
  redeem(code: string): boolean {
    const until = this.expiry.get(code);
    this.expiry.delete(code);
    return until !== undefined && until > this.now();
  }
}

/**
 * Asks a running studio (one that proved it holds `token`) for a fresh launch link: what a second
 * `cachify studio` opens, and what `cachify studio link` prints.
 */
export async function requestLaunchLink(port: number, token: string): Promise<string> {
  let res: Response;
  try {
    res = await fetch(`http://127.0.0.1:${port}/api/session/code`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}` },
      signal: AbortSignal.timeout(5000),
    });
  } catch (e) {
    throw new CachifyError(
      "connection",
      `The studio on port ${port} did not answer (${(e as Error).message}): run \`cachify studio\` again.`,
      { cause: e },
    );
  }
  const body = (await res.json().catch(() => undefined)) as { url?: unknown } | undefined;
  if (!res.ok || typeof body?.url !== "string") {
    throw new CachifyError(
      "connection",
      `The studio on port ${port} refused a new link (HTTP ${res.status}): stop it and run \`cachify studio\` again.`,
    );
  }
  return body.url;
}
