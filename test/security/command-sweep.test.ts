import { rmSync } from "node:fs";
import { type CliIo, type RunningStudio, runCli } from "@cachify/studio";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type RedisCluster,
  type RedisServer,
  RespError,
  type RespValue,
  respCall,
  startCluster,
  startRedis,
} from "../harness/index.ts";
import { studioApi } from "../support/studio-api.ts";
import { startSweepStudio } from "../support/sweep-studio.ts";

/**
 * Deny by default, proven on the whole command table: every command and subcommand the real
 * server lists is sent, with plausible arguments, through the console route and `cachify exec`
 * on a read-only profile, a profile locked by the managed policy and a prod profile without a
 * confirmation, on a standalone Redis and on a Cluster. Every non-read must be refused before it
 * is sent (403 / exit 3, or 428 / exit 4 on prod), every read the server's table marks read-only
 * must be allowed, and the servers must be unchanged afterwards. The same for scripts through the
 * installed binary (command-sweep-scripts.test.ts) and for Memcached (command-sweep-memcached.test.ts).
 */

interface Cmd {
  /** What is typed: ["config", "get"] for a subcommand. */
  words: string[];
  arity: number;
  flags: string[];
  categories: string[];
  firstKey: number;
  lastKey: number;
  step: number;
  keySpecWrites: boolean;
}

const KEY_WRITE_FLAGS = new Set(["RW", "OW", "RM", "INSERT", "UPDATE", "DELETE"]);
/** Reads the issue names that the server flags admin or dangerous: they must be reads for us. */
const NAMED_READS = [
  "info",
  "config get",
  "slowlog get",
  "client list",
  "memory usage",
  "object encoding",
  "xinfo stream",
];
/** Code and messages: never reads, whatever the table says. */
const NAMED_WRITES = [
  "eval",
  "evalsha",
  "fcall",
  "script load",
  "script flush",
  "function load",
  "function delete",
  "function flush",
  "publish",
  "spublish",
];

const str = (v: RespValue) => (typeof v === "string" ? v : String(v));

function parseEntry(e: RespValue[], prefix: string[] = []): Cmd[] {
  const full = str(e[0]!).toLowerCase();
  const words = [...prefix, full.includes("|") ? full.split("|")[1]! : full];
  const specs = Array.isArray(e[8]) ? (e[8] as RespValue[][]) : [];
  const keySpecWrites = specs.some((s) => {
    const i = s.indexOf("flags");
    return (
      i >= 0 && (s[i + 1] as RespValue[]).some((f) => KEY_WRITE_FLAGS.has(str(f).toUpperCase()))
    );
  });
  const subs = Array.isArray(e[9]) ? (e[9] as RespValue[][]) : [];
  if (subs.length > 0) return subs.flatMap((s) => parseEntry(s, words));
  return [
    {
      words,
      arity: Number(e[1]),
      flags: (e[2] as RespValue[]).map(str),
      categories: (e[6] as RespValue[]).map(str),
      firstKey: Number(e[3]),
      lastKey: Number(e[4]),
      step: Number(e[5]),
      keySpecWrites,
    },
  ];
}

/** The key an argument slot gets: one of the seeded keys of the command's data type. */
function keyFor(c: Cmd): string {
  const cat = (
    c.categories.find((x) =>
      /@(string|hash|list|set|sortedset|stream|hyperloglog|geo|bitmap)/.test(x),
    ) ?? "@string"
  ).slice(1);
  const type = cat === "geo" ? "sortedset" : cat === "bitmap" ? "string" : cat;
  return `{sweep}${type}`;
}

/** Arguments that fill the arity: keys where the table places keys, "1" elsewhere. */
function argsFor(c: Cmd): string[] {
  const n = Math.max(Math.abs(c.arity), c.words.length + (c.firstKey > 0 ? 1 : 0));
  const args = [...c.words];
  for (let i = c.words.length; i < n; i++) {
    const isKey = c.firstKey > 0 && i >= c.firstKey && (c.lastKey < 0 || i <= c.lastKey);
    args.push(isKey ? keyFor(c) : "1");
  }
  return args;
}

/** The independent oracle: what the server's own table says is a read (no key spec writes). */
function tableRead(c: Cmd): boolean {
  const f = new Set(c.flags);
  return f.has("readonly") && !f.has("write") && !f.has("may_replicate") && !c.keySpecWrites;
}

async function seed(port: number) {
  const r = await respCall({ port }, [
    ["SET", "{sweep}string", "v"],
    ["HSET", "{sweep}hash", "f", "v"],
    ["RPUSH", "{sweep}list", "a", "b"],
    ["SADD", "{sweep}set", "a", "b"],
    ["ZADD", "{sweep}sortedset", "1", "a"],
    ["XADD", "{sweep}stream", "1-1", "f", "v"],
    ["PFADD", "{sweep}hyperloglog", "a"],
  ]);
  for (const x of r) if (x instanceof RespError) throw new Error(x.message);
}

/** Everything a leaked command could have changed on one server. */
async function serverState(port: number): Promise<string> {
  const replies = await respCall(
    { port },
    [
      ["DEBUG", "DIGEST"],
      ["CONFIG", "GET", "*"],
      ["ACL", "LIST"],
      ["FUNCTION", "LIST"],
      ["INFO", "memory"],
      ["DBSIZE"],
    ],
    5000,
  );
  const memory = str(replies[4]!);
  const scripts = /number_of_cached_scripts:(\d+)/.exec(memory)?.[1] ?? "?";
  const config = replies[1] as string[];
  const pairs: string[] = [];
  for (let i = 0; i < config.length; i += 2) pairs.push(`${config[i]}=${config[i + 1]}`);
  return JSON.stringify([replies[0], pairs.sort(), replies[2], replies[3], scripts, replies[5]]);
}

type Verdict = "refused" | "allowed";

describe.each([{ topology: "standalone" }, { topology: "cluster" }])(
  "raw command sweep ($topology)",
  ({ topology }) => {
    let studio: RunningStudio;
    let dataDir: string;
    let ports: number[] = [];
    let url = "";
    let standalone: RedisServer | undefined;
    let cluster: RedisCluster | undefined;
    let commands: Cmd[] = [];
    const ids: Record<string, string> = {};
    const api = studioApi(() => studio);
    const PROFILES = ["readonly", "locked", "prod"] as const;

    const cli = async (...argv: string[]) => {
      let out = "";
      const io: CliIo = {
        out: (t) => {
          out += t;
        },
        err: (t) => {
          out += t;
        },
        readFile: () => "",
        writeFile: () => {},
        env: { ...process.env, CACHIFY_HOME: dataDir },
      };
      return { code: await runCli(argv, io), out };
    };

    beforeAll(async () => {
      if (topology === "standalone") {
        standalone = await startRedis();
        ports = [standalone.port];
        url = standalone.url;
      } else {
        cluster = await startCluster();
        ports = cluster.nodes.map((n) => n.port);
        url = cluster.url;
      }
      // Keys live on one slot ({sweep}): seed on the node that owns it.
      for (const p of ports) await seed(p).catch(() => {});
      const [table] = await respCall({ port: ports[0]! }, [["COMMAND"]], 5000);
      commands = (table as RespValue[][]).flatMap((e) => parseEntry(e));
      ({ studio, dataDir } = await startSweepStudio(`cachify-sweep-${topology}-`, url, ids));
    }, 120_000);

    afterAll(async () => {
      await studio?.close();
      await standalone?.stop();
      await cluster?.stop();
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    });

    it("refuses every non-read and allows every read, through the console route and cachify exec", async () => {
      // Replicas take the seeded keys a moment later (WAIT on the primary that owns them), and a
      // new cluster's replicas may still be in their first sync: start from a state that holds still.
      for (const port of ports)
        await respCall({ port }, [["WAIT", "1", "10000"]], 12_000).catch(() => {});
      let before = await Promise.all(ports.map(serverState));
      for (let i = 0; i < 50; i++) {
        await new Promise((r) => setTimeout(r, 500));
        const again = await Promise.all(ports.map(serverState));
        if (JSON.stringify(again) === JSON.stringify(before)) break;
        before = again;
      }
      const bypasses: string[] = [];
      const overDenied: string[] = [];
      const allowedByProfile: Record<string, Set<string>> = {};
      for (const name of PROFILES) {
        const allowed = new Set<string>();
        for (const c of commands) {
          const args = argsFor(c);
          const shown = c.words.join(" ");
          const [status, body] = await api.call("POST", `/api/profiles/${ids[name]}/command`, {
            line: args.join(" "),
          });
          const viaApi: Verdict = status === 403 || status === 428 ? "refused" : "allowed";
          const { code } = await cli("exec", name, "--", ...args);
          const viaCli: Verdict = code === 3 || code === 4 ? "refused" : "allowed";
          if (viaApi !== viaCli) {
            bypasses.push(
              `${name}: ${shown} API ${status} (${body?.error?.code ?? "ok"}) but CLI exit ${code}`,
            );
          }
          if (
            name === "prod" &&
            viaApi === "refused" &&
            status !== 428 &&
            body?.error?.code !== "read-only"
          ) {
            bypasses.push(`${name}: ${shown} refused with ${status}`);
          }
          if (viaApi === "allowed") allowed.add(shown);
          else if (tableRead(c)) overDenied.push(`${name}: ${shown}`);
        }
        allowedByProfile[name] = allowed;
      }
      const after = await Promise.all(ports.map(serverState));
      const changed = ports.filter((_, i) => after[i] !== before[i]);
      if (changed.length) console.log(`${topology}: state changed on ${changed.join(", ")}`);

      // What got through must be a read: the server's table says so, or it is one of the named
      // introspection reads; never code, a publish, or anything that writes a key.
      for (const [name, allowed] of Object.entries(allowedByProfile)) {
        for (const shown of allowed) {
          const c = commands.find((x) => x.words.join(" ") === shown)!;
          const writes =
            c.flags.includes("write") || c.keySpecWrites || c.categories.includes("@write");
          if (writes || NAMED_WRITES.includes(shown))
            bypasses.push(`${name}: ${shown} was allowed`);
        }
        for (const r of NAMED_READS) {
          if (commands.some((c) => c.words.join(" ") === r) && !allowed.has(r)) {
            overDenied.push(`${name}: ${r} (named read)`);
          }
        }
        const reads = allowed.size;
        console.log(
          `${topology} ${name}: commands swept: ${commands.length}, reads allowed: ${reads}, bypasses: ${bypasses.filter((b) => b.startsWith(`${name}:`)).length}`,
        );
      }
      expect(commands.length).toBeGreaterThan(200);
      expect(bypasses).toEqual([]);
      expect(overDenied).toEqual([]);
      expect(after).toEqual(before);
    }, 600_000);
  },
);
