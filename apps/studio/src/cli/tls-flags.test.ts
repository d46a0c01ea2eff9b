import { resolve } from "node:path";
import { buildProfile, CachifyError, profileView } from "@cachify/core";
import { describe, expect, it } from "vitest";
import { type TlsFlags, tlsFromFlags, tlsRows, tlsSummary, warningLines } from "./tls-flags.ts";

const CERT = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
const KEY = "-----BEGIN PRIVATE KEY-----\nMIGH\n-----END PRIVATE KEY-----\n";
const files: Record<string, string> = {
  "/pki/ca.crt": CERT,
  "/pki/client.crt": CERT,
  "/pki/client.key": KEY,
  [resolve("ca.crt")]: CERT,
};
const read = (path: string): string => {
  const text = files[path];
  if (text === undefined) throw Object.assign(new Error(`ENOENT: ${path}`), { code: "ENOENT" });
  return text;
};
const flags = (o: TlsFlags, current?: Parameters<typeof tlsFromFlags>[2], url?: string) =>
  tlsFromFlags(o, read, current, url);
const refusal = (o: TlsFlags, current?: Parameters<typeof tlsFromFlags>[2], url?: string) => {
  try {
    flags(o, current, url);
  } catch (e) {
    expect(e).toBeInstanceOf(CachifyError);
    expect((e as CachifyError).code).toBe("bad-input");
    return (e as CachifyError).message;
  }
  throw new Error("the flags were accepted but should have been refused");
};

describe("profile add/edit TLS flags", () => {
  it("leave TLS to the URL when none is given; --tls and every --tls-* option turn it on", () => {
    expect(flags({})).toBeUndefined();
    expect(flags({ tls: true })).toEqual({ rejectUnauthorized: true });
    expect(flags({ tlsServername: "cache.internal" })).toEqual({
      rejectUnauthorized: true,
      servername: "cache.internal",
    });
    expect(flags({ tlsSkipVerify: true })).toEqual({ rejectUnauthorized: false });
  });

  it("keep files as absolute paths, a relative one made absolute against the working folder", () => {
    expect(
      flags({ tlsCa: "ca.crt", tlsCert: "/pki/client.crt", tlsKey: "/pki/client.key" }),
    ).toEqual({
      rejectUnauthorized: true,
      ca: resolve("ca.crt"),
      cert: "/pki/client.crt",
      key: "/pki/client.key",
    });
  });

  it("refuse a client certificate without its key, and the reverse", () => {
    expect(refusal({ tlsCert: "/pki/client.crt" })).toBe(
      "--tls-cert needs --tls-key FILE: a client certificate needs its private key.",
    );
    expect(refusal({ tlsKey: "/pki/client.key" })).toBe(
      "--tls-key needs --tls-cert FILE: give the client certificate too.",
    );
  });

  it("refuse --tls-skip-verify with --tls-ca, and --no-tls with any other TLS option", () => {
    expect(refusal({ tlsSkipVerify: true, tlsCa: "/pki/ca.crt" })).toMatch(
      /^--tls-skip-verify turns off the very check --tls-ca is for/,
    );
    expect(refusal({ tls: false, tlsCa: "/pki/ca.crt" })).toMatch(
      /^--no-tls cannot go with other --tls-\* options/,
    );
    expect(refusal({ tls: false }, undefined, "rediss://h:6380")).toMatch(
      /--no-tls contradicts the rediss:\/\/ URL/,
    );
  });

  it("name the flag and the file when a file is missing or holds the wrong PEM", () => {
    expect(refusal({ tlsCa: "/pki/nope.crt" })).toBe(
      "--tls-ca: the file /pki/nope.crt does not exist.",
    );
    expect(refusal({ tlsCa: "/pki/client.key" })).toMatch(
      /^--tls-ca \(the file \/pki\/client\.key\) holds a PRIVATE KEY, not only certificates/,
    );
    expect(refusal({ tlsCert: "/pki/client.crt", tlsKey: "/pki/ca.crt" })).toMatch(
      /^--tls-key \(the file \/pki\/ca\.crt\) holds a CERTIFICATE, not a private key/,
    );
  });

  it("on edit, change the current settings: a CA turns verification back on, --no-tls drops TLS", () => {
    const current = {
      rejectUnauthorized: false,
      cert: "/pki/client.crt",
      key: "/pki/client.key",
    };
    expect(flags({ tlsCa: "/pki/ca.crt" }, current)).toEqual({
      ...current,
      ca: "/pki/ca.crt",
      rejectUnauthorized: true,
    });
    // The key is already there: a new certificate alone is enough.
    expect(flags({ tlsCert: "/pki/client.crt" }, current)).toEqual(current);
    expect(flags({ tls: false }, current)).toBe(false);
  });
});

describe("TLS where a profile is shown", () => {
  const view = (tls: Parameters<typeof tlsFromFlags>[2]) =>
    profileView(buildProfile({ name: "m", url: "memcached://10.0.0.1:11211,10.0.0.2:11211", tls }));

  it("shows a Memcached pool's TLS, its CA and client certificate, never the key", () => {
    const v = view({
      rejectUnauthorized: true,
      ca: "/pki/ca.crt",
      cert: "/pki/client.crt",
      key: "/pki/client.key",
    });
    expect(tlsSummary(v)).toBe("on, own CA");
    expect(tlsRows(v)).toEqual([
      ["tls", "on, the server's certificate verified against the CA /pki/ca.crt"],
      ["tls client cert", "/pki/client.crt, key set (hidden)"],
    ]);
    expect(JSON.stringify(v)).not.toContain("client.key");
    expect(warningLines(v)).toBe("");
  });

  it("flags verification off in the summary, the rows and a warning", () => {
    const v = view({ rejectUnauthorized: false, servername: "cache.internal" });
    expect(tlsSummary(v)).toBe("on, NOT VERIFIED");
    expect(tlsRows(v)).toEqual([
      [
        "tls",
        "on, certificate verification OFF (--tls-skip-verify): the server is not authenticated",
      ],
      ["tls servername", "cache.internal"],
    ]);
    expect(warningLines(v)).toMatch(/^Warning: TLS certificate verification is off/);
    expect(tlsSummary(view(undefined))).toBe("off");
  });
});
