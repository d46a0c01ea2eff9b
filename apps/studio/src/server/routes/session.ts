import { CachifyError } from "@cachify/core";
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { instanceProof, NONCE_PATTERN } from "../instance-proof.ts";
import type { LaunchCodes } from "../launch-codes.ts";
import { parse } from "../parse.ts";

const Exchange = z.object({ code: z.string().min(1).max(200) });
const Proof = z.object({ nonce: z.string().regex(NONCE_PATTERN, "32 to 128 hex digits") });

/**
 * The session's door routes (security.ts lets the first and last through without the token):
 * the page trades its launch link's one-time code for the token; a token holder (a second
 * launch, `cachify studio link`) mints a new link; a launcher checks the studio holds the token.
 */
export function registerSessionRoutes(
  server: FastifyInstance,
  session: { token: string; codes: LaunchCodes; link: () => string },
): void {
  server.post("/api/session", async (req, reply) => {
    const { code } = parse(Exchange, req.body, "body");
    reply.header("cache-control", "no-store");
    if (!session.codes.redeem(code)) {
      throw new CachifyError(
        "unauthorized",
        `This launch link was already used or is older than ${session.codes.ttlMs / 1000} s (each works once): run \`cachify studio link\` for a new one.`,
      );
    }
    return { token: session.token };
  });

  server.post("/api/session/code", async (_req, reply) => {
    reply.header("cache-control", "no-store").status(201);
    return { url: session.link(), expiresInMs: session.codes.ttlMs };
  });

  server.get("/api/instance/proof", async (req, reply) => {
    const { nonce } = parse(Proof, req.query, "query");
    reply.header("cache-control", "no-store");
    return { proof: instanceProof(session.token, nonce) };
  });
}
