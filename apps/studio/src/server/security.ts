import { timingSafeEqual } from "node:crypto";
import type { FastifyReply, FastifyRequest } from "fastify";

/**
 * The local API's door (safety.md): a per-launch token on every request (cookie, bearer header,
 * or once as ?token= on the page the studio opens), and Host/Origin checks against DNS rebinding
 * and cross-site pages. No CORS headers are ever sent, so other origins cannot read answers.
 */
export interface Door {
  token: string;
  cookieName: string;
  allowedHosts: Set<string>;
  allowedOrigins: Set<string>;
}

export function makeDoor(token: string, port: number): Door {
  const hosts = [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`];
  return {
    token,
    cookieName: `cachify_token_${port}`,
    allowedHosts: new Set(hosts),
    allowedOrigins: new Set(hosts.map((h) => `http://${h}`)),
  };
}

function sameToken(a: string | undefined, b: string): boolean {
  if (a === undefined) return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(";")) {
    const i = part.indexOf("=");
    if (i > 0 && part.slice(0, i).trim() === name)
      return decodeURIComponent(part.slice(i + 1).trim());
  }
  return undefined;
}

function refuse(reply: FastifyReply, status: number, code: string, message: string) {
  return reply
    .status(status)
    .header("cache-control", "no-store")
    .send({ error: { code, message, retryable: false } });
}

export function doorHook(door: Door) {
  return async (req: FastifyRequest, reply: FastifyReply) => {
    const host = req.headers.host;
    if (!host || !door.allowedHosts.has(host.toLowerCase())) {
      return refuse(
        reply,
        403,
        "unauthorized",
        "Unknown Host header: the studio answers only on its loopback address.",
      );
    }
    const origin = req.headers.origin;
    if (origin !== undefined && !door.allowedOrigins.has(origin.toLowerCase())) {
      return refuse(reply, 403, "unauthorized", "Cross-origin requests are refused.");
    }
    const auth = req.headers.authorization;
    const bearer = auth?.startsWith("Bearer ") ? auth.slice(7) : undefined;
    if (
      sameToken(bearer, door.token) ||
      sameToken(cookieValue(req.headers.cookie, door.cookieName), door.token)
    ) {
      return;
    }
    const url = new URL(req.url, "http://x");
    const fromQuery = url.searchParams.get("token") ?? undefined;
    if (
      req.method === "GET" &&
      sameToken(fromQuery, door.token) &&
      !url.pathname.startsWith("/api/")
    ) {
      // The launch link: trade the token for a cookie and drop it from the address bar.
      url.searchParams.delete("token");
      return reply
        .header(
          "set-cookie",
          `${door.cookieName}=${encodeURIComponent(door.token)}; Path=/; HttpOnly; SameSite=Strict`,
        )
        .redirect(`${url.pathname}${url.search}`, 303);
    }
    return refuse(
      reply,
      401,
      "unauthorized",
      "Missing or wrong studio token. Open the studio with the link `cachify studio` printed.",
    );
  };
}
