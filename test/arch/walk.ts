import { readdirSync } from "node:fs";
import { join } from "node:path";

/** Every file under `dir` that `keep` accepts, skipping node_modules and build output. */
export function walkFiles(dir: string, keep: (path: string, name: string) => boolean): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.name === "node_modules" || e.name === "dist") continue;
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (keep(p, e.name)) out.push(p);
    }
  };
  walk(dir);
  return out;
}
