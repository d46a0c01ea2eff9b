import { createHmac } from "node:crypto";
import { type KeyRedactor, keyMatcher, literalPrefix, type SensitivePattern } from "@cachify/core";

/** HKDF info of the redaction key: a new purpose gets a new label, never this key. */
export const KEY_REDACTION_PURPOSE = "key-redaction v1";

interface Compiled {
  prefix: string;
  matches: (key: Uint8Array) => boolean;
}

/**
 * Redaction rules (docs/design/safety.md#redaction): a key matching a sensitive pattern (opted in
 * for snapshots or not) is shown in records as the pattern's literal prefix and a short HMAC-SHA256
 * tag of its bytes, e.g. `session:‹h:3fa9c1d2›`. The HMAC key is derived from the data folder's
 * key, so one key always gives the same tag there (events about it can be correlated), while
 * guessing names from a copied database needs that key. The first matching pattern gives the
 * prefix.
 *
 * `patterns` is read at each call: it must be cheap (the stored settings are cached). The compiled
 * matchers are kept until it answers another list.
 */
export class SensitiveKeyRedactor implements KeyRedactor {
  #list: readonly SensitivePattern[] | undefined;
  #compiled: Compiled[] = [];

  constructor(
    private readonly secret: Uint8Array,
    private readonly patterns: () => readonly SensitivePattern[],
  ) {}

  redact(key: Uint8Array): string | undefined {
    const list = this.patterns();
    if (list.length === 0) return undefined;
    if (list !== this.#list) {
      this.#compiled = list.map((p) => ({
        prefix: literalPrefix(p.pattern),
        matches: keyMatcher(p.pattern),
      }));
      this.#list = list;
    }
    const hit = this.#compiled.find((c) => c.matches(key));
    if (!hit) return undefined;
    return `${hit.prefix}‹h:${this.tag(key)}›`;
  }

  /** 8 hex digits (32 bits) of HMAC-SHA256: enough to tell keys apart in one timeline. */
  tag(key: Uint8Array): string {
    return createHmac("sha256", this.secret).update(key).digest("hex").slice(0, 8);
  }
}
