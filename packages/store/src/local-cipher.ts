import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";
import { chmodSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { CachifyError } from "@cachify/core";

export const LOCAL_KEY_FILE = "cachify.key";

/**
 * Encrypts what must not sit in the database in clear (snapshot payloads, profile passwords) with
 * AES-256-GCM. The key lives in a file readable only by the user in the data folder, apart from
 * the database (an OS keychain is not reachable from here on every platform; the file is the
 * documented fallback of docs/design/safety.md#secrets-at-rest).
 */
export class LocalCipher {
  private readonly key: Buffer;

  constructor(dataDir: string) {
    const path = join(dataDir, LOCAL_KEY_FILE);
    if (existsSync(path)) {
      this.key = Buffer.from(readFileSync(path, "utf8").trim(), "base64");
      if (this.key.length !== 32) {
        throw new CachifyError(
          "storage",
          `${path} is not a valid Cachify Studio key (expected 32 bytes, base64). Restore it from a backup; without it saved snapshots and passwords cannot be read.`,
        );
      }
    } else {
      this.key = randomBytes(32);
      writeFileSync(path, `${this.key.toString("base64")}\n`, { mode: 0o600, flag: "wx" });
    }
    chmodSync(path, 0o600);
  }

  /**
   * A 32-byte key for another purpose (HKDF-SHA256 over this folder's key, `purpose` as info):
   * the same in every process on this data folder, and the folder's key cannot be had from it.
   */
  deriveKey(purpose: string): Buffer {
    return Buffer.from(hkdfSync("sha256", this.key, "cachify-studio", purpose, 32));
  }

  /** Random IVs drawn 1,024 at a time: one system call per thousand seals, not one per seal. */
  private ivPool = Buffer.alloc(0);
  private ivAt = 0;

  private nextIv(): Buffer {
    if (this.ivAt + 12 > this.ivPool.length) {
      this.ivPool = randomBytes(12 * 1024);
      this.ivAt = 0;
    }
    const iv = this.ivPool.subarray(this.ivAt, this.ivAt + 12);
    this.ivAt += 12;
    return iv;
  }

  seal(plain: Uint8Array): Buffer {
    const iv = this.nextIv();
    const c = createCipheriv("aes-256-gcm", this.key, iv);
    const body = Buffer.concat([c.update(plain), c.final()]);
    return Buffer.concat([iv, c.getAuthTag(), body]);
  }

  open(sealed: Uint8Array): Buffer {
    const b = Buffer.from(sealed.buffer, sealed.byteOffset, sealed.byteLength);
    const d = createDecipheriv("aes-256-gcm", this.key, b.subarray(0, 12));
    d.setAuthTag(b.subarray(12, 28));
    return Buffer.concat([d.update(b.subarray(28)), d.final()]);
  }
}

const PREFIX = "enc1:";

/** A secret text for a database column: sealed, with a marker so clear legacy values still read. */
export function sealText(cipher: LocalCipher, text: string): string {
  return PREFIX + cipher.seal(new TextEncoder().encode(text)).toString("base64");
}

export function openText(cipher: LocalCipher, stored: string): string {
  if (!stored.startsWith(PREFIX)) return stored;
  return new TextDecoder().decode(cipher.open(Buffer.from(stored.slice(PREFIX.length), "base64")));
}
