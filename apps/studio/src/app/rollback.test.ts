import { afterAll, describe, expect, inject, it } from "vitest";
import { rawCommand } from "../../../../test/harness/index.ts";
import { cliSandbox } from "../../../../test/support/cli.ts";

const servers = inject("servers");

interface Restore {
  restored: number;
  skipped: number;
  failed: number;
  items: { key: string; status: string; reason?: string }[];
}

/** The id of the newest operation on a profile (its snapshots carry it). */
async function lastOperation(sb: ReturnType<typeof cliSandbox>, profile: string): Promise<string> {
  const tl = await sb.run("timeline", "--profile", profile, "--json", "--limit", "1");
  return tl.json<{ events: { id: string }[] }>().events[0]!.id;
}

describe.each([
  ["standalone", () => servers.redis.url, (args: string[]) => rawCommand(servers.redis.port, args)],
  [
    "cluster",
    () => servers.cluster.url,
    // Every key here carries the {rb} hash tag, so one node holds them all: ask that node.
    async (args: string[]) => {
      for (const port of servers.cluster.ports) {
        const r = await rawCommand(port, args);
        if (!r.startsWith("-MOVED") && !r.startsWith("-READONLY")) return r;
      }
      throw new Error("no node answered");
    },
  ],
])("rollback from snapshots (%s Redis)", (mode, url, redis) => {
  const sb = cliSandbox();
  const p = `{rb}:${mode}:`;
  afterAll(() => sb.cleanup());

  it("restores a deleted hash, list and zset with their types, values and TTLs", async () => {
    await sb.run("profile", "add", "rb", "--url", url());
    await redis(["HSET", `${p}h`, "a", "1", "b", "2"]);
    await redis(["EXPIRE", `${p}h`, "500"]);
    await redis(["RPUSH", `${p}l`, "x", "y", "z"]);
    await redis(["ZADD", `${p}z`, "1", "one", "2", "two"]);
    await redis(["SET", `${p}s`, "plain"]);
    await redis(["PEXPIRE", `${p}s`, "900000"]);
    const del = await sb.run("del", "rb", `${p}h`, `${p}l`, `${p}z`, `${p}s`, "--json");
    expect(del.json()).toEqual({ deleted: 4 });
    const op = await lastOperation(sb, "rb");
    const listed = (await sb.run("rollback", "list", "--operation", op, "--json")).json<{
      snapshots: { key: string; existed: boolean }[];
    }>();
    expect(listed.snapshots.map((s) => s.key).sort()).toEqual([`${p}h`, `${p}l`, `${p}s`, `${p}z`]);
    const r = (await sb.run("rollback", "restore", "--operation", op, "--json")).json<Restore>();
    expect(r).toMatchObject({ restored: 4, skipped: 0, failed: 0 });
    expect(await redis(["HGET", `${p}h`, "b"])).toBe("$1\r\n2\r\n");
    expect(await redis(["TYPE", `${p}l`])).toBe("+list\r\n");
    expect(await redis(["LRANGE", `${p}l`, "0", "-1"])).toBe(
      "*3\r\n$1\r\nx\r\n$1\r\ny\r\n$1\r\nz\r\n",
    );
    expect(await redis(["ZSCORE", `${p}z`, "two"])).toBe("$1\r\n2\r\n");
    const ttl = Number(/:(\d+)/.exec(await redis(["TTL", `${p}h`]))![1]);
    expect(ttl).toBeGreaterThan(480);
    expect(ttl).toBeLessThanOrEqual(500);
    expect(Number(/:(\d+)/.exec(await redis(["PTTL", `${p}s`]))![1])).toBeGreaterThan(890_000);
  });

  it("restores a changed TTL and an overwritten value, and the rollback itself can be undone", async () => {
    await redis(["SET", `${p}t`, "v1"]);
    expect((await sb.run("expire", "rb", `${p}t`, "30")).code).toBe(0);
    const expireOp = await lastOperation(sb, "rb");
    expect(
      (await sb.run("rollback", "restore", "--operation", expireOp, "--json")).json<Restore>()
        .restored,
    ).toBe(1);
    expect(await redis(["TTL", `${p}t`])).toBe(":-1\r\n");
    expect((await sb.run("set", "rb", `${p}t`, "v2")).code).toBe(0);
    const setOp = await lastOperation(sb, "rb");
    expect(
      (await sb.run("rollback", "restore", "--operation", setOp, "--json")).json<Restore>()
        .restored,
    ).toBe(1);
    expect(await redis(["GET", `${p}t`])).toBe("$2\r\nv1\r\n");
    // The restore took its own snapshot: undoing it brings v2 back.
    const restoreOp = await lastOperation(sb, "rb");
    expect(
      (await sb.run("rollback", "restore", "--operation", restoreOp, "--json")).json<Restore>()
        .restored,
    ).toBe(1);
    expect(await redis(["GET", `${p}t`])).toBe("$2\r\nv2\r\n");
  });

  it("skips a key that changed after the snapshot unless forced, and a snapshot whose TTL has passed", async () => {
    await redis(["SET", `${p}c`, "mine"]);
    await sb.run("del", "rb", `${p}c`);
    const op = await lastOperation(sb, "rb");
    await redis(["SET", `${p}c`, "someone-else"]);
    const r = (await sb.run("rollback", "restore", "--operation", op, "--json")).json<Restore>();
    expect(r).toMatchObject({ restored: 0, skipped: 1 });
    expect(r.items[0]!.reason).toMatch(/changed after the snapshot/);
    expect(await redis(["GET", `${p}c`])).toBe("$12\r\nsomeone-else\r\n");
    expect(
      (await sb.run("rollback", "restore", "--operation", op, "--force", "--json")).json<Restore>()
        .restored,
    ).toBe(1);
    expect(await redis(["GET", `${p}c`])).toBe("$4\r\nmine\r\n");

    await redis(["SET", `${p}e`, "short-lived", "PX", "1500"]);
    await sb.run("del", "rb", `${p}e`);
    const expOp = await lastOperation(sb, "rb");
    await new Promise((res) => setTimeout(res, 1600));
    const e = (await sb.run("rollback", "restore", "--operation", expOp, "--json")).json<Restore>();
    expect(e).toMatchObject({ restored: 0, skipped: 1 });
    expect(e.items[0]!.reason).toMatch(/TTL ran out/);
    expect(await redis(["EXISTS", `${p}e`])).toBe(":0\r\n");
  });

  it("refuses a restore on a read-only profile, and asks for the name on prod", async () => {
    await redis(["SET", `${p}ro`, "before"]);
    await sb.run("set", "rb", `${p}ro`, "after");
    const op = await lastOperation(sb, "rb");
    await sb.run("policy", "force-read-only", "rb");
    expect((await sb.run("rollback", "restore", "--operation", op)).code).toBe(3);
    await sb.run("policy", "clear", "rb");
    await sb.run("profile", "add", "rb-prod", "--url", url(), "--env", "prod");
    await sb.run("set", "rb-prod", `${p}ro`, "prod-change", "--confirm", "rb-prod");
    const prodOp = await lastOperation(sb, "rb-prod");
    expect((await sb.run("rollback", "restore", "--operation", prodOp)).code).toBe(4);
    expect(await redis(["GET", `${p}ro`])).toBe("$11\r\nprod-change\r\n");
    expect(
      (await sb.run("rollback", "restore", "--operation", prodOp, "--confirm", "rb-prod")).code,
    ).toBe(0);
    expect(await redis(["GET", `${p}ro`])).toBe("$5\r\nafter\r\n");
  });
});

describe("rollback from snapshots (Memcached)", () => {
  const sb = cliSandbox();
  afterAll(() => sb.cleanup());

  it("restores a deleted item with its value, client flags and TTL", async () => {
    const port = servers.memcached.port;
    const { memcachedCommand } = await import("../../../../test/harness/index.ts");
    await memcachedCommand(port, "ms rb:mc 5 T600 F42\r\nhello", "\r\n");
    await sb.run("profile", "add", "mc", "--url", servers.memcached.url);
    expect((await sb.run("del", "mc", "rb:mc", "--json")).json()).toEqual({ deleted: 1 });
    const op = await lastOperation(sb, "mc");
    expect(
      (await sb.run("rollback", "restore", "--operation", op, "--json")).json<Restore>().restored,
    ).toBe(1);
    const r = await memcachedCommand(port, "mg rb:mc v f t", "\r\n\r\n".slice(0, 2));
    expect(r).toMatch(/^VA 5 .*f42/);
    const t = Number(/t(\d+)/.exec(r)![1]);
    expect(t).toBeGreaterThan(590);
  });
});
