import { CachifyError, type SavedTemplate, type SavedTemplateRepository } from "@cachify/core";
import type Database from "better-sqlite3";
import { type LocalCipher, openText, sealText } from "./local-cipher.ts";

/**
 * Saved templates: named presets of a built-in; each save of an existing one is a new version.
 * Their params may preset warm-up entries (values): the record is stored sealed.
 */
export class SqliteSavedTemplateRepository implements SavedTemplateRepository {
  readonly #db: Database.Database;
  readonly #cipher: LocalCipher;

  constructor(db: Database.Database, cipher: LocalCipher) {
    this.#db = db;
    this.#cipher = cipher;
  }

  #parse(data: string): SavedTemplate {
    return JSON.parse(openText(this.#cipher, data)) as SavedTemplate;
  }

  list(): SavedTemplate[] {
    return (
      this.#db.prepare("SELECT data FROM workflow_templates ORDER BY name").all() as {
        data: string;
      }[]
    ).map((r) => this.#parse(r.data));
  }

  get(idOrName: string): SavedTemplate | undefined {
    const r = this.#db
      .prepare("SELECT data FROM workflow_templates WHERE id = ? OR name = ?")
      .get(idOrName, idOrName) as { data: string } | undefined;
    return r ? this.#parse(r.data) : undefined;
  }

  save(t: SavedTemplate): void {
    const other = this.#db
      .prepare("SELECT id FROM workflow_templates WHERE name = ? AND id <> ?")
      .pluck()
      .get(t.name, t.id);
    if (other) {
      throw new CachifyError(
        "conflict",
        `A saved template named "${t.name}" already exists: choose another name or edit that one.`,
      );
    }
    this.#db
      .prepare(
        `INSERT INTO workflow_templates (id, name, builtin, version, data, created_at, updated_at)
         VALUES (@id, @name, @builtin, @version, @data, @createdAt, @updatedAt)
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, builtin = excluded.builtin,
           version = excluded.version, data = excluded.data, updated_at = excluded.updated_at`,
      )
      .run({
        id: t.id,
        name: t.name,
        builtin: t.builtin,
        version: t.version,
        data: sealText(this.#cipher, JSON.stringify(t)),
        createdAt: t.createdAt,
        updatedAt: t.updatedAt,
      });
  }

  remove(id: string): boolean {
    return this.#db.prepare("DELETE FROM workflow_templates WHERE id = ?").run(id).changes > 0;
  }
}
