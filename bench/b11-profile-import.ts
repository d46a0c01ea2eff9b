import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openApp } from "@cachify/studio";
import Database from "better-sqlite3";
import { connectionList } from "../test/support/connection-list.ts";
import { type BenchResult, msText } from "./report.ts";

/**
 * B11: importing 150,000 connections (the 4.5 MB file that once froze the studio for 80 s).
 * Ours: parse, validate, name, store, best of three. Baseline, same run: the floor of that work,
 * one JSON row per entry inserted into a bare SQLite table in one transaction. Target: ≤ 2 s.
 */
export async function benchProfileImport(entries = 150_000): Promise<BenchResult> {
  const text = connectionList(entries);
  const dirs: string[] = [];
  const ours: number[] = [];
  const base: number[] = [];
  try {
    for (let run = 0; run < 3; run++) {
      const dir = mkdtempSync(join(tmpdir(), "cachify-bench-import-"));
      dirs.push(dir);
      const app = openApp({ dataDir: dir });
      try {
        const t = performance.now();
        app.profiles.importConnections(text);
        ours.push(performance.now() - t);
      } finally {
        await app.close();
      }
      const db = new Database(join(dir, "floor.db"));
      db.pragma("journal_mode = WAL");
      db.exec("CREATE TABLE p (id INTEGER PRIMARY KEY, name TEXT UNIQUE, body TEXT)");
      const insert = db.prepare("INSERT INTO p (name, body) VALUES (?, ?)");
      const t = performance.now();
      db.transaction(() => {
        text.split("\n").forEach((line, i) => {
          if (line) insert.run(`p${i}`, JSON.stringify({ url: line }));
        });
      })();
      base.push(performance.now() - t);
      db.close();
    }
  } finally {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
  const best = Math.min(...ours);
  const floor = Math.min(...base);
  return {
    id: "B11",
    what: `profile import, ${entries.toLocaleString("en-US")} entries`,
    ours: msText(best),
    baseline: `bare SQLite insert ${msText(floor)}`,
    ratio: best / floor,
    target: "≤ 2 s",
    pass: best <= 2000,
  };
}
