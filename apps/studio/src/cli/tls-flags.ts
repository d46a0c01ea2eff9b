import { isAbsolute, resolve } from "node:path";
import {
  badInput,
  checkPem,
  type ProfileView,
  parseConnectionUrl,
  type TlsMaterialField,
  type TlsOptions,
  tlsMaterialKind,
} from "@cachify/core";
import type { Command } from "commander";

/**
 * The TLS flags of `cachify profile add` and `profile edit` (docs/design/cli.md#tls), for Redis
 * and Memcached alike: what they turn into (tls of the profile, files kept as absolute paths and
 * read at each connection) and how a profile's TLS is shown.
 */

export interface TlsFlags {
  /** --tls (true) or, on edit, --no-tls (false). */
  tls?: boolean;
  tlsCa?: string;
  tlsCert?: string;
  tlsKey?: string;
  tlsServername?: string;
  tlsSkipVerify?: boolean;
}

/** Adds the TLS options to a command; `edit` adds --no-tls too. */
export function addTlsOptions(cmd: Command, edit = false): Command {
  cmd
    .option("--tls", "connect over TLS (implied by rediss:// and by every --tls-* option)")
    .option("--tls-ca <file>", "PEM file of the CA that signed the server's certificate")
    .option("--tls-cert <file>", "PEM file of a client certificate (with --tls-key)")
    .option("--tls-key <file>", "PEM file of the client certificate's private key (unencrypted)")
    .option("--tls-servername <name>", "name sent as SNI and checked in the certificate")
    .option("--tls-skip-verify", "do not verify the server's certificate (test servers only)");
  if (edit) cmd.option("--no-tls", "connect without TLS");
  return cmd;
}

const FLAG: Record<TlsMaterialField, string> = {
  ca: "--tls-ca",
  cert: "--tls-cert",
  key: "--tls-key",
};

/**
 * A file given to --tls-ca/--tls-cert/--tls-key: made absolute (against the working folder) and
 * checked now to hold PEM of the right kind, so a wrong path is said at once with its flag.
 */
function pemFile(file: string, field: TlsMaterialField, read: (path: string) => string): string {
  const path = isAbsolute(file) ? file : resolve(file);
  let text: string;
  try {
    text = read(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why =
      code === "ENOENT"
        ? "does not exist"
        : code === "EACCES" || code === "EPERM"
          ? "cannot be read (permission denied)"
          : code === "EISDIR"
            ? "is a folder, not a file"
            : `cannot be read (${code ?? (e as Error).message})`;
    throw badInput(`${FLAG[field]}: the file ${path} ${why}.`, { field: `tls.${field}`, path });
  }
  checkPem(text, field, `${FLAG[field]} (the file ${path})`);
  return path;
}

const given = (o: TlsFlags) =>
  o.tlsCa !== undefined ||
  o.tlsCert !== undefined ||
  o.tlsKey !== undefined ||
  o.tlsServername !== undefined ||
  o.tlsSkipVerify === true;

/**
 * The profile's `tls` from the flags: undefined when no TLS flag is given (the URL decides:
 * rediss:// is TLS), false for --no-tls, else the settings, on top of `current` (profile edit).
 * Every --tls-* option implies --tls. Throws bad-input naming the flag to correct.
 */
export function tlsFromFlags(
  o: TlsFlags,
  read: (path: string) => string,
  current?: TlsOptions,
  url?: string,
): TlsOptions | false | undefined {
  if (o.tls === false) {
    if (given(o))
      throw badInput("--no-tls cannot go with other --tls-* options: give one or the other.");
    if (url !== undefined && parseConnectionUrl(url).tls) {
      throw badInput(
        "--no-tls contradicts the rediss:// URL: use redis:// for a plain connection.",
      );
    }
    return false;
  }
  if (o.tls !== true && !given(o)) return undefined;
  if (o.tlsSkipVerify && o.tlsCa !== undefined) {
    throw badInput(
      "--tls-skip-verify turns off the very check --tls-ca is for: give --tls-ca FILE to verify the server, or --tls-skip-verify alone for a test server.",
    );
  }
  const cert = o.tlsCert ?? current?.cert;
  const key = o.tlsKey ?? current?.key;
  if (o.tlsCert !== undefined && key === undefined) {
    throw badInput("--tls-cert needs --tls-key FILE: a client certificate needs its private key.", {
      field: "tls.key",
    });
  }
  if (o.tlsKey !== undefined && cert === undefined) {
    throw badInput("--tls-key needs --tls-cert FILE: give the client certificate too.", {
      field: "tls.cert",
    });
  }
  const t: TlsOptions = {
    ...(current ?? {}),
    rejectUnauthorized: current?.rejectUnauthorized ?? true,
  };
  if (o.tlsCa !== undefined) {
    t.ca = pemFile(o.tlsCa, "ca", read);
    // A CA is given to verify with: turn verification back on if it was off.
    t.rejectUnauthorized = true;
  }
  if (o.tlsCert !== undefined) t.cert = pemFile(o.tlsCert, "cert", read);
  if (o.tlsKey !== undefined) t.key = pemFile(o.tlsKey, "key", read);
  if (o.tlsServername !== undefined) t.servername = o.tlsServername;
  if (o.tlsSkipVerify) t.rejectUnauthorized = false;
  return t;
}

/** A tls.ca / tls.cert value as shown: the file, or "PEM text" (never the text). */
const material = (v: string) => (tlsMaterialKind(v) === "pem" ? "(PEM text)" : v);

/** One line on the profile's TLS, for `profile list` and the line after `profile add`. */
export function tlsSummary(v: ProfileView): string {
  if (!v.tls) return "off";
  if (!v.tls.rejectUnauthorized) return "on, NOT VERIFIED";
  return v.tls.ca ? "on, own CA" : "on";
}

/** The rows `profile show` prints for TLS (and the warnings wherever the profile is shown). */
export function tlsRows(v: ProfileView): string[][] {
  if (!v.tls) return [["tls", "off"]];
  const t = v.tls;
  const rows: string[][] = [
    [
      "tls",
      t.rejectUnauthorized
        ? `on, the server's certificate verified against ${t.ca ? `the CA ${material(t.ca)}` : "the system's CAs"}`
        : "on, certificate verification OFF (--tls-skip-verify): the server is not authenticated",
    ],
  ];
  if (t.servername) rows.push(["tls servername", t.servername]);
  if (t.cert)
    rows.push([
      "tls client cert",
      `${material(t.cert)}, key ${t.hasKey ? "set (hidden)" : "missing"}`,
    ]);
  return rows;
}

/** The profile's warnings, one "Warning: ..." line each (empty when none). */
export function warningLines(v: ProfileView): string {
  return (v.warnings ?? []).map((w) => `Warning: ${w}`).join("\n");
}
