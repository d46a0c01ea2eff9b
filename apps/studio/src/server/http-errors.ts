import { CachifyError, type ErrorCode, toCachifyError } from "@cachify/core";
import type { FastifyError, FastifyReply, FastifyRequest } from "fastify";

const STATUS: Record<ErrorCode, number> = {
  "bad-input": 400,
  unauthorized: 401,
  "read-only": 403,
  "not-found": 404,
  conflict: 409,
  "confirmation-required": 428,
  capability: 422,
  connection: 502,
  engine: 502,
  timeout: 504,
  storage: 507,
  internal: 500,
};

export function statusFor(code: ErrorCode): number {
  return STATUS[code];
}

/** The largest request body the studio reads (an import, a big value). */
export const BODY_LIMIT_BYTES = 64 * 1024 * 1024;

/** One error shape for every route: {error: {code, message, retryable, details?}}. */
export function errorHandler(
  error: FastifyError | Error,
  req: FastifyRequest,
  reply: FastifyReply,
) {
  const fe = error as FastifyError;
  if (fe.code === "FST_ERR_CTP_BODY_TOO_LARGE") {
    // 413, not the 400 of "bad-input": the request is fine, there is just too much of it.
    const err = new CachifyError(
      "bad-input",
      `The request body is over the studio's limit of ${BODY_LIMIT_BYTES / 1024 / 1024} MiB: send less in one request (split an import into smaller files).`,
      { details: { limitBytes: BODY_LIMIT_BYTES } },
    );
    return reply.status(413).send({ error: err.toJSON() });
  }
  let err: CachifyError;
  if (fe.validation) {
    err = new CachifyError("bad-input", `Invalid request: ${fe.message}`);
  } else if (fe.statusCode && fe.statusCode < 500 && !(error instanceof CachifyError)) {
    err = new CachifyError("bad-input", fe.message);
  } else {
    err = toCachifyError(error);
  }
  if (err.code === "internal") req.log.error({ err: error }, "internal error");
  return reply.status(statusFor(err.code)).send({ error: err.toJSON() });
}
