import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type RunningStudio, startStudio } from "@cachify/studio";

/**
 * The studio of the command sweeps (test/security/command-sweep*.test.ts): a data folder whose
 * managed policy locks the profile "locked", and three profiles on `url` that must refuse every
 * write: "readonly" (dev, read-only), "locked" (staging, locked by the policy) and "prod" (prod,
 * no confirmation given). Their ids are put in `ids` by name.
 */
export async function startSweepStudio(
  prefix: string,
  url: string,
  ids: Record<string, string>,
): Promise<{ studio: RunningStudio; dataDir: string }> {
  const dataDir = mkdtempSync(join(tmpdir(), prefix));
  writeFileSync(
    join(dataDir, "managed-policy.json"),
    JSON.stringify({ forceReadOnly: { profiles: ["locked"], reason: "change freeze" } }),
  );
  const studio = await startStudio({ dataDir, collector: false });
  const p = studio.app.profiles;
  ids.readonly = p.create({ name: "readonly", url, environment: "dev", readOnly: true }).id;
  ids.locked = p.create({ name: "locked", url, environment: "staging" }).id;
  ids.prod = p.create({ name: "prod", url, environment: "prod" }).id;
  return { studio, dataDir };
}
