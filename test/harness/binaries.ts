import { spawnSync } from "node:child_process";

const PACKAGES: Record<string, string> = {
  "redis-server": "redis-server",
  "redis-cli": "redis-tools",
  memcached: "memcached",
  chromium: "chromium",
};

/** Resolves a binary on PATH or fails with the exact install line. */
export function requireBinary(name: string): string {
  const found = spawnSync("sh", ["-c", `command -v ${name}`], { encoding: "utf8" });
  const path = found.stdout.trim();
  if (found.status === 0 && path) return path;
  const pkg = PACKAGES[name] ?? name;
  throw new Error(
    `${name} is not installed. Install it with: sudo apt-get update && sudo apt-get install -y ${pkg}`,
  );
}
