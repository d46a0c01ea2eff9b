import { createRequire, syncBuiltinESMExports } from "node:module";

/**
 * Setup of the unit project: a unit test starts no server. Spawning redis-server, redis-cli,
 * memcached or a browser fails the test that tries, so a file that needs one is moved to the
 * integration project (it uses the harness) instead of slowing every unit run.
 */
const SERVERS = /(^|\/)(redis-server|redis-cli|memcached|chromium|Xvfb|dbus-run-session)$/;
const cp = createRequire(import.meta.url)("node:child_process");
for (const name of ["spawn", "spawnSync", "execFile", "execFileSync"] as const) {
  const original = cp[name];
  cp[name] = (file: string, ...rest: unknown[]) => {
    if (SERVERS.test(String(file))) {
      throw new Error(
        `${file}: unit tests start no server; use the harness in an integration test.`,
      );
    }
    return original(file, ...rest);
  };
}
syncBuiltinESMExports();
