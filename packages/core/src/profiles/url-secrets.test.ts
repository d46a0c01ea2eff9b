import { describe, expect, it } from "vitest";
import { CachifyError } from "../common/errors.ts";
import { parseConnectionsFile } from "./import-formats.ts";
import { parseConnectionUrl } from "./url.ts";
import { redactUrl, redactUrlsIn } from "./url-secrets.ts";
import { buildProfile } from "./validate.ts";

const SECRET = "Zq9-s3cr3t";

/** The message of the bad-input error `fn` throws. */
function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(CachifyError);
    expect((e as CachifyError).code).toBe("bad-input");
    return `${(e as CachifyError).message} ${JSON.stringify((e as CachifyError).details ?? {})}`;
  }
  throw new Error("expected a bad-input refusal");
}

describe("passwords never appear in an error", () => {
  it("shows a URL as redis://user:****@host:port", () => {
    expect(redactUrl(`redis://ops:${SECRET}@10.0.0.5:6379/2`)).toBe(
      "redis://ops:****@10.0.0.5:6379/2",
    );
    expect(redactUrl(`rediss://:${SECRET}@cache:6380`)).toBe("rediss://:****@cache:6380");
    // A password holding "@" or "/" is masked whole; so is user info without a colon.
    expect(redactUrl(`redis://u:a@b/${SECRET}@h:1`)).toBe("redis://u:****@h:1");
    expect(redactUrl(`redis://${SECRET}@h:1`)).toBe("redis://****@h:1");
    expect(redactUrl("redis://h:1")).toBe("redis://h:1");
    expect(redactUrlsIn(`orders redis://ops:${SECRET}@h:1 and more`)).toBe(
      "orders redis://ops:****@h:1 and more",
    );
  });

  it("leaves the password out of every URL validation error", () => {
    const bad = [
      `redis://ops:${SECRET}@10.0.0.5:99999`, // port out of range
      `redis://ops:${SECRET}@10.0.0.5:6379/notadb`, // bad database
      `redis://ops:${SECRET}@`, // no host
      `redis://ops:${SECRET}/x@10.0.0.5:6379`, // "/" in the password
      `redis://ops:${SECRET}@h:1@`, // two "@"
      `redis+cluster://ops:${SECRET}@h:1/2`, // a path where none is allowed
      `redis+sentinel://ops:${SECRET}@h:26379`, // no master name
      `redis+sentinel://ops:${SECRET}@h:26379/%zz`, // a master name that is not percent-encoding
      `ftp://ops:${SECRET}@h:1`, // unknown scheme
      `redis://ops:${SECRET}@h:1:2`, // not host:port
    ];
    for (const url of bad) {
      const message = refusal(() => parseConnectionUrl(url));
      expect(message, url).not.toContain(SECRET);
      expect(message, url).not.toContain("s3cr3t");
      expect(refusal(() => buildProfile({ name: "x", url }))).not.toContain(SECRET);
    }
    expect(refusal(() => parseConnectionUrl(`redis://ops:${SECRET}@10.0.0.5:99999`))).toContain(
      "redis://ops:****@10.0.0.5:99999",
    );
  });

  it("never quotes a password, or a host holding one, given as a field", () => {
    expect(
      refusal(() => buildProfile({ name: "x", engine: "redis", host: "h", password: 12345678 })),
    ).not.toContain("12345678");
    const host = refusal(() =>
      buildProfile({ name: "x", engine: "redis", host: `ops:${SECRET}@h` }),
    );
    expect(host).not.toContain(SECRET);
    expect(host).toMatch(/"field":"host"/);
  });

  it("leaves passwords out of import errors: bad lines, bad entries and broken JSON", () => {
    const lines = [
      `orders redis://ops:${SECRET}@10.0.0.5:99999`,
      `redis://ops:${SECRET}@10.0.0.6:6379 trailing words`,
      `${"x".repeat(50)} redis://ops:${SECRET}-${"y".repeat(40)}@h:1 z`,
    ].join("\n");
    expect(refusal(() => parseConnectionsFile(lines))).not.toMatch(/s3cr3t/);
    const json = `[{"host": "h", "port": 6379, "password": "${SECRET}", "db": "x"}]`;
    expect(refusal(() => parseConnectionsFile(json))).not.toMatch(/s3cr3t/);
    // JSON.parse's own message quotes the text around the error: it is not passed on.
    const broken = `[{"host": "h", "password": ${SECRET}}]`;
    const message = refusal(() => parseConnectionsFile(broken));
    expect(message).not.toMatch(/s3cr3t/);
    expect(message).toMatch(
      /^The file is not valid JSON \(line 1, column \d+: .*\)\. Nothing was imported\./,
    );
  });
});
