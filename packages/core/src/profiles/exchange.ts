import { badInput } from "../common/errors.ts";
import {
  DETAILED_ERRORS,
  importTooLarge,
  jsonProblem,
  LISTED_ERRORS,
  MAX_IMPORT_ENTRIES,
} from "./import-limits.ts";
import type { ConnectionProfile } from "./profile.ts";
import { buildProfile, type ProfileInput } from "./validate.ts";

/** The export file. Version 1 is the V1 format; version 2 adds the V2 fields. Both load. */
export interface ProfileExportFile {
  version: 1 | 2;
  exportedAt?: string;
  profiles: Record<string, unknown>[];
}

const SECRET_FIELDS = ["password", "sentinelPassword"] as const;

export function exportProfiles(
  profiles: ConnectionProfile[],
  options: { includeSecrets: boolean },
): ProfileExportFile {
  return {
    version: 2,
    exportedAt: new Date().toISOString(),
    profiles: profiles.map((p) => {
      const { id: _id, createdAt: _c, updatedAt: _u, ...rest } = p;
      const out: Record<string, unknown> = { ...rest };
      if (!options.includeSecrets) {
        for (const f of SECRET_FIELDS) delete out[f];
        if (p.tls?.key) out.tls = { ...p.tls, key: undefined };
      }
      return out;
    }),
  };
}

export interface ImportEntryError {
  index: number;
  name?: string;
  message: string;
}

/**
 * Reads an export file (V1 or current). Every entry is validated before anything is stored so a
 * bad file changes nothing; the caller gets all entry errors at once.
 */
export function parseProfileFile(text: string): { version: number; profiles: ConnectionProfile[] } {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw badInput(`The file is not valid JSON (${jsonProblem(text)}). Nothing was imported.`);
  }
  return profilesFromExport(doc);
}

/** The profiles of an export file already parsed as JSON (see parseProfileFile). */
export function profilesFromExport(doc: unknown): {
  version: number;
  profiles: ConnectionProfile[];
} {
  if (typeof doc !== "object" || doc === null || Array.isArray(doc)) {
    throw badInput(
      'The file must be a JSON object {"version": 1, "profiles": [...]}. Nothing was imported.',
    );
  }
  const o = doc as Record<string, unknown>;
  if (o.version !== 1 && o.version !== 2) {
    throw badInput(
      `Unknown export version ${JSON.stringify(o.version)}: expected 1 or 2. Nothing was imported.`,
    );
  }
  if (!Array.isArray(o.profiles))
    throw badInput('"profiles" must be a list. Nothing was imported.');
  if (o.profiles.length > MAX_IMPORT_ENTRIES) throw importTooLarge(o.profiles.length);
  const errors: ImportEntryError[] = [];
  const profiles: ConnectionProfile[] = [];
  const names = new Set<string>();
  o.profiles.forEach((entry, index) => {
    if (typeof entry !== "object" || entry === null) {
      errors.push({ index, message: "entry is not an object" });
      return;
    }
    const e = entry as Record<string, unknown>;
    try {
      const input: ProfileInput = { ...e };
      // V1 files carried no id we can trust across machines; a fresh id avoids collisions.
      const p = buildProfile(input);
      if (names.has(p.name)) throw badInput(`duplicate name "${p.name}" in the file`);
      names.add(p.name);
      profiles.push(p);
    } catch (err) {
      errors.push({
        index,
        ...(typeof e.name === "string" ? { name: e.name } : {}),
        message: (err as Error).message,
      });
    }
  });
  if (errors.length > 0) {
    const shown = errors.slice(0, LISTED_ERRORS);
    const list = shown
      .map((x) => `#${x.index}${x.name ? ` (${x.name})` : ""}: ${x.message}`)
      .join("; ");
    const more = errors.length - shown.length;
    throw badInput(
      `${errors.length} profile(s) in the file are invalid: ${list}${more > 0 ? `; and ${more} more` : ""}. Nothing was imported.`,
      {
        errors: errors.slice(0, DETAILED_ERRORS),
        ...(errors.length > DETAILED_ERRORS ? { errorCount: errors.length } : {}),
      },
    );
  }
  return { version: o.version, profiles };
}
