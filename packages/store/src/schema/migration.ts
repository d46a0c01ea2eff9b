import type Database from "better-sqlite3";

/** One step of the schema (the steps themselves are listed in migrations.ts). */
export interface Migration {
  /** 1, 2, 3, ... in order, never reused or renumbered once released. */
  version: number;
  name: string;
  up(db: Database.Database): void;
}
