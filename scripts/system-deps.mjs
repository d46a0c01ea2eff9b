#!/usr/bin/env node
// Before `npm test`: the suites run real servers and a real browser. Whatever is missing is
// installed here on Debian/Ubuntu when we may (root, or sudo without a password); elsewhere the
// exact line to run is printed and the test run stops before it starts.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

/** What the suites run, and the Debian package that provides it. */
const NEEDS = [
  { what: "redis-server", pkg: "redis-server" },
  { what: "redis-cli", pkg: "redis-tools" },
  { what: "memcached", pkg: "memcached" },
  { what: "chromium", pkg: "chromium" },
  { what: "Xvfb", pkg: "xvfb" },
  { what: "xauth", pkg: "xauth" },
  { what: "dbus-run-session", pkg: "dbus" },
  { what: "notify-send", pkg: "libnotify-bin" },
  { what: "xwininfo", pkg: "x11-utils" },
  { what: "python3 dbus", pkg: "python3-dbus", check: () => pythonHas("dbus") },
  { what: "python3 gi", pkg: "python3-gi", check: () => pythonHas("gi") },
  // The decoders' fixtures come from the real encoders (issue 17): PHP, Python, Java, protoc.
  { what: "php", pkg: "php-cli" },
  { what: "python3 msgpack", pkg: "python3-msgpack", check: () => pythonHas("msgpack") },
  { what: "protoc", pkg: "protobuf-compiler" },
  { what: "javac", pkg: "openjdk-17-jdk-headless" },
  // The compression layers' fixtures come from the real tools too.
  { what: "gzip", pkg: "gzip" },
  { what: "zstd", pkg: "zstd" },
  { what: "lz4", pkg: "lz4" },
  { what: "brotli", pkg: "brotli" },
  { what: "python3 snappy", pkg: "python3-snappy", check: () => pythonHas("snappy") },
  { what: "python3 lz4", pkg: "python3-lz4", check: () => pythonHas("lz4.block") },
];

const sh = (cmd, opts = {}) => spawnSync("sh", ["-c", cmd], { encoding: "utf8", ...opts });
const onPath = (bin) => sh(`command -v ${bin}`).status === 0;
// The desktop tests run Debian's python3, not one a version manager put first on the PATH.
const pythonHas = (mod) =>
  existsSync("/usr/bin/python3") && sh(`/usr/bin/python3 -c 'import ${mod}'`).status === 0;

const missing = NEEDS.filter((n) => !(n.check ? n.check() : onPath(n.what)));
if (missing.length === 0) process.exit(0);

const pkgs = [...new Set(missing.map((m) => m.pkg))];
const line = `sudo apt-get update && sudo apt-get install -y ${pkgs.join(" ")}`;
const names = missing.map((m) => m.what).join(", ");
const debian = existsSync("/etc/debian_version") && onPath("apt-get");
const root = process.getuid?.() === 0;
const sudo = !root && onPath("sudo") && sh("sudo -n true").status === 0;

if (!debian || (!root && !sudo)) {
  process.stderr.write(
    `npm test needs ${names}, which this machine lacks.\n` +
      (debian
        ? `Install them with:\n  ${line}\nthen run npm test again.\n`
        : `Install the packages that provide them (on Debian/Ubuntu: ${pkgs.join(" ")}), then run npm test again.\n`),
  );
  process.exit(1);
}

process.stdout.write(`npm test: installing ${pkgs.join(" ")} (missing: ${names})\n`);
const prefix = root ? "" : "sudo -n ";
const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
for (const cmd of [
  `${prefix}apt-get update -qq`,
  `${prefix}apt-get install -y -qq ${pkgs.join(" ")}`,
]) {
  const r = sh(cmd, { env, stdio: ["ignore", "ignore", "inherit"] });
  if (r.status !== 0) {
    process.stderr.write(`"${cmd}" failed (exit ${r.status}). Run it yourself:\n  ${line}\n`);
    process.exit(1);
  }
}
// A package's own service (redis-server, memcached) is not what the tests use: they start theirs.
sh(`${prefix}systemctl stop redis-server memcached`, { stdio: "ignore" });
process.stdout.write("npm test: system packages ready\n");
