import { timingSafeEqual } from "node:crypto";
import type { FastifyReply, FastifyRequest } from "fastify";

/**
 * The local API's door (docs/design/safety.md#the-local-apis-door): the per-launch session token on
 * every API request, as `Authorization: Bearer` (the WebSocket, which cannot set headers in a
 * browser, sends it as the subprotocol `cachify.bearer.<token>`), and Host/Origin checks against
 * DNS rebinding and cross-site pages. No cookie is set or read: cookies are not port-scoped, so any
 * server on another 127.0.0.1 port would receive one. No CORS headers are ever sent either.
 */
export interface Door {
  token: string;
  allowedHosts: Set<string>;
  allowedOrigins: Set<string>;
}

export function makeDoor(token: string, port: number): Door {
  const hosts = [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`];
  return {
    token,
    allowedHosts: new Set(hosts),
    allowedOrigins: new Set(hosts.map((h) => `http://${h}`)),
  };
}

/**
 * Routes served without the token (Host and Origin are still checked): the UI's files (no secret
 * in them: they ship in the package), the one-time code exchange, and the instance proof.
 */
const PUBLIC = new Set(["GET /*", "HEAD /*", "POST /api/session", "GET /api/instance/proof"]);

/** The subprotocol prefix that carries the token on the WebSocket. */
export const WS_BEARER = "cachify.bearer.";
/** The subprotocol the studio answers with (never the one that carries the token). */
export const WS_PROTOCOL = "cachify";

/** RFC 6750's b64token. */
const BEARER = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/;

function sameToken(a: string | undefined, b: string): boolean {
  if (a === undefined) return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The token the request presents; "malformed" for an Authorization header of another shape. */
function presented(req: FastifyRequest): string | undefined | "malformed" {
  const auth = req.headers.authorization;
  if (auth !== undefined) return BEARER.exec(auth)?.[1] ?? "malformed";
  const protocols = req.headers["sec-websocket-protocol"];
  if (typeof protocols !== "string") return undefined;
  for (const p of protocols.split(",")) {
    const v = p.trim();
    if (v.startsWith(WS_BEARER)) return v.slice(WS_BEARER.length);
  }
  return undefined;
}

/** Picks the WebSocket subprotocol to answer with, so the token is never echoed back. */
export function chooseProtocol(offered: Set<string>): string | false {
  return offered.has(WS_PROTOCOL) ? WS_PROTOCOL : false;
}

function refuse(reply: FastifyReply, status: number, code: string, message: string) {
  return reply
    .status(status)
    .header("cache-control", "no-store")
    .send({ error: { code, message, retryable: false } });
}

export function doorHook(door: () => Door) {
  return async (req: FastifyRequest, reply: FastifyReply) => {
    const d = door();
    const host = req.headers.host;
    if (!host || !d.allowedHosts.has(host.toLowerCase())) {
      return refuse(
        reply,
        403,
        "unauthorized",
        "Unknown Host header: the studio answers only on its loopback address.",
      );
    }
    const origin = req.headers.origin;
    if (origin !== undefined && !d.allowedOrigins.has(origin.toLowerCase())) {
      return refuse(reply, 403, "unauthorized", "Cross-origin requests are refused.");
    }
    if (PUBLIC.has(`${req.method} ${req.routeOptions.url}`)) return;
    const token = presented(req);
    if (token === "malformed") {
      return refuse(
        reply,
        400,
        "bad-input",
        "Malformed Authorization header: send `Authorization: Bearer <token>` (the token in the data folder's studio-instance.json).",
      );
    }
    if (sameToken(token, d.token)) return;
    return refuse(
      reply,
      401,
      "unauthorized",
      "Missing or wrong studio session. Open a new link: run `cachify studio link` (or `cachify studio` again).",
    );
  };
}

/** The UI needs its own scripts, styles, images and API (ws: included by 'self'); no frames. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

const HEADERS = {
  "x-frame-options": "DENY",
  "content-security-policy": CONTENT_SECURITY_POLICY,
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
};

/** onSend: every answer (pages, API, errors, refusals) refuses framing and sniffing. */
export async function securityHeaders(_req: FastifyRequest, reply: FastifyReply, payload: unknown) {
  reply.headers(HEADERS);
  return payload;
}
