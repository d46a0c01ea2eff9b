import { CachifyError, displayKey, type ErrorClass } from "@cachify/core";

const REPLY_CLASSES: Record<string, { errorClass: ErrorClass; retryable: boolean; hint: string }> =
  {
    LOADING: {
      errorClass: "LOADING",
      retryable: true,
      hint: "The server is loading its data set; try again shortly.",
    },
    TRYAGAIN: {
      errorClass: "TRYAGAIN",
      retryable: true,
      hint: "A cluster slot is moving; try again.",
    },
    CLUSTERDOWN: {
      errorClass: "CLUSTERDOWN",
      retryable: true,
      hint: "The cluster is down; check its nodes.",
    },
    MASTERDOWN: {
      errorClass: "MASTERDOWN",
      retryable: true,
      hint: "The replica lost its primary; try again.",
    },
    READONLY: {
      errorClass: "READONLY",
      retryable: true,
      hint: "The node is a replica now (failover); try again.",
    },
    OOM: {
      errorClass: "OOM",
      retryable: false,
      hint: "The server is out of memory (maxmemory); free memory or raise it.",
    },
    NOPERM: {
      errorClass: "NOPERM",
      retryable: false,
      hint: "The ACL user lacks permission; use a user allowed to run it.",
    },
    BUSY: {
      errorClass: "BUSY",
      retryable: false,
      hint: "A script is running on the server; wait for it or SCRIPT KILL it.",
    },
  };

/** Turns what ioredis throws into a CachifyError that says whether a repeat could double-apply. */
export function mapRedisError(e: unknown, where: string, sent: boolean): CachifyError {
  if (e instanceof CachifyError) return e;
  const err = e as Error & { code?: string; name?: string };
  const message = err?.message ?? String(e);
  if (err?.name === "ReplyError") {
    const prefix = message.split(" ", 1)[0] ?? "";
    const known = REPLY_CLASSES[prefix];
    if (known) {
      return new CachifyError("engine", `${where}: ${message}. ${known.hint}`, {
        errorClass: known.errorClass,
        retryable: known.retryable,
        cause: e,
      });
    }
    if (prefix === "WRONGTYPE") {
      return new CachifyError(
        "bad-input",
        `${where}: ${message}. Check the key's type (TYPE key) and use a command for that type.`,
        { cause: e },
      );
    }
    if (prefix === "CROSSSLOT") {
      return new CachifyError(
        "bad-input",
        `${where}: ${message}. In a cluster a command's keys must share one slot: give them a common {hash tag}.`,
        { cause: e },
      );
    }
    if (prefix === "WRONGPASS" || prefix === "NOAUTH") {
      return new CachifyError(
        "engine",
        `${where}: authentication failed (${prefix}). Check the username and password in the profile.`,
        { cause: e },
      );
    }
    return new CachifyError("engine", `${where}: ${message}`, { cause: e });
  }
  const code = err?.code;
  if (
    code === "ECONNREFUSED" ||
    code === "ENOTFOUND" ||
    code === "EHOSTUNREACH" ||
    code === "ETIMEDOUT"
  ) {
    const why =
      code === "ECONNREFUSED"
        ? "connection refused"
        : code === "ENOTFOUND"
          ? "host not found"
          : code;
    return new CachifyError(
      "connection",
      `${where}: could not connect (${why}). Check that the server is running and the address in the profile.`,
      { errorClass: "connection", retryable: true, ambiguous: false, cause: e },
    );
  }
  if (/enableOfflineQueue|Stream isn't writeable/i.test(message)) {
    return new CachifyError(
      "connection",
      `${where}: not connected to the server. Check that it is running.`,
      {
        errorClass: "connection",
        retryable: true,
        ambiguous: false,
        cause: e,
      },
    );
  }
  if (/Connection is closed|ECONNRESET|EPIPE|socket/i.test(message) || code === "ECONNRESET") {
    return new CachifyError(
      "connection",
      `${where}: the connection was lost${sent ? " after the command was sent (it may or may not have run)" : ""}. Check the server.`,
      {
        errorClass: sent ? "timeout-ambiguous" : "connection",
        retryable: true,
        ambiguous: sent,
        cause: e,
      },
    );
  }
  if (/certificate|SSL|TLS|self.signed/i.test(message)) {
    return new CachifyError(
      "connection",
      `${where}: TLS handshake failed (${message}). Check the CA, certificate and server name in the profile.`,
      { errorClass: "connection", retryable: false, cause: e },
    );
  }
  return new CachifyError("engine", `${where}: ${message}`, { cause: e });
}

/** True for a WRONGTYPE reply, also when a script relays it ("... script: ..."). */
export function isWrongType(e: unknown): boolean {
  const err = e as Error | undefined;
  return err?.name === "ReplyError" && /\bWRONGTYPE\b/.test(err.message);
}

/** A collection operation met a key of another type: say what the key holds. */
export function wrongTypeError(key: Uint8Array, actual: string, expected: string): CachifyError {
  const name = displayKey(key);
  if (actual === "none") {
    return new CachifyError("not-found", `${name} no longer exists: refresh the key list.`);
  }
  return new CachifyError(
    "bad-input",
    `${name} holds ${article(actual)} ${actual}, not ${article(expected)} ${expected}: open it as ${article(actual)} ${actual}.`,
  );
}

const article = (word: string) => (/^[aeiou]/i.test(word) ? "an" : "a");
