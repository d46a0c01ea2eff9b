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

/** One error shape for every route: {error: {code, message, retryable, details?}}. */
export function errorHandler(
  error: FastifyError | Error,
  req: FastifyRequest,
  reply: FastifyReply,
) {
  const fe = error as FastifyError;
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
