import { CachifyError, type ErrorClass } from "@cachify/core";
import { type Failure, setupError } from "./errors-setup.ts";

/**
 * What the server answered: an error reply (known classes get a hint and say whether a retry may
 * help; auth and database replies name the profile field), or bytes that are not Redis at all.
 */

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

/** An error reply of the server (isReplyError). */
export function replyError(f: Failure): CachifyError {
  const { e, where, message, target, profile } = f;
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
  if (prefix === "WRONGPASS") {
    const user = profile?.username ? `user "${profile.username}"` : "the default user";
    return setupError(
      "engine",
      `${where}: authentication failed (WRONGPASS: wrong password for ${user}, or the user is disabled). Check the username and password in the profile.`,
      "auth",
      "password",
      e,
    );
  }
  if (prefix === "NOAUTH") {
    return setupError(
      "engine",
      `${where}: authentication failed (NOAUTH: the server requires a password and the profile gives none). Check the username and password in the profile: set password (and username for an ACL user).`,
      "auth",
      "password",
      e,
    );
  }
  if (/^ERR (DB index is out of range|invalid DB index)/.test(message)) {
    return setupError(
      "bad-input",
      `${where}: database ${profile?.db ?? "?"} does not exist on ${target} (${message}). Set db in the profile to a number below the server's "databases" setting (16 by default).`,
      "db",
      "db",
      e,
    );
  }
  return new CachifyError("engine", `${where}: ${message}`, { cause: e });
}

/** A reply that is not RESP: the port is another server's (HTTP, memcached). */
export function notRedisError(f: Failure): CachifyError {
  const { e, where, message, target } = f;
  const byte = /got "(.*?)" as reply type byte/.exec(message)?.[1] ?? "?";
  const guess =
    byte === "H"
      ? ": it looks like an HTTP server"
      : byte === "E" || byte === "V" || byte === "S"
        ? ': it looks like memcached (for memcached set engine to "memcached")'
        : "";
  return setupError(
    "connection",
    `${where}: ${target} answered, but not in the Redis protocol (its reply began with "${byte}")${guess}. Check the port and the engine in the profile.`,
    "not-redis",
    "port",
    e,
  );
}
