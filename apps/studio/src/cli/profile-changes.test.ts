import { spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { type CliIo, runCli } from "@cachify/studio";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { type RedisServer, startRedis } from "../../../../test/harness/index.ts";
import { CLI_BIN, cliSandbox } from "../../../../test/support/cli.ts";

const servers = inject("servers");
const PASSWORD = "pw-Stdin-7d1";

describe("cachify profile: guarded changes and passwords off argv", () => {
  const sb = cliSandbox();
  let locked: RedisServer;
  const url = (db: number) => `${servers.redis.url}/${db}`;

  /** One in-process run whose stdin (or terminal) gives `secret`. */
  async function runWithSecret(secret: { stdin?: string; prompt?: string }, ...argv: string[]) {
    let stderr = "";
    const asked: string[] = [];
    const io: CliIo = {
      out: () => {},
      err: (t) => {
        stderr += t;
      },
      readFile: (p) => readFileSync(p, "utf8"),
      writeFile: (p, t) => writeFileSync(p, t),
      env: { ...process.env, CACHIFY_HOME: sb.dataDir },
      ...(secret.stdin !== undefined ? { readStdin: async () => secret.stdin! } : {}),
      ...(secret.prompt !== undefined
        ? {
            promptSecret: async (q: string) => {
              asked.push(q);
              return secret.prompt!;
            },
          }
        : {}),
    };
    return { code: await runCli(argv, io), stderr, asked };
  }

  beforeAll(async () => {
    locked = await startRedis();
    await locked.command("CONFIG", "SET", "requirepass", PASSWORD);
  });
  afterAll(async () => {
    await locked.stop();
    sb.cleanup();
  });

  it("removing a prod profile exits 4 without --confirm NAME, and removes it with the name", async () => {
    expect(
      (await sb.run("profile", "add", "cli-live", "--url", url(1), "--env", "prod")).code,
    ).toBe(0);
    const refused = await sb.run("profile", "remove", "cli-live");
    expect(refused.code).toBe(4);
    expect(refused.stderr).toMatch(/needs the profile name: add --confirm "cli-live"/);
    expect((await sb.run("profile", "remove", "cli-live", "--confirm", "cli-lve")).code).toBe(4);
    expect((await sb.run("profile", "show", "cli-live")).code).toBe(0);
    expect((await sb.run("profile", "remove", "cli-live", "--confirm", "cli-live")).code).toBe(0);
    expect((await sb.run("profile", "show", "cli-live")).code).toBe(2);
    // A dev profile is removed as before.
    await sb.run("profile", "add", "cli-dev", "--url", url(2));
    expect((await sb.run("profile", "remove", "cli-dev")).code).toBe(0);
  });

  it("profile edit: lowering prod or read-only off exits 4 without --confirm; raising asks nothing", async () => {
    await sb.run("profile", "add", "cli-orders", "--url", url(3), "--env", "prod", "--read-only");
    expect((await sb.run("profile", "edit", "cli-orders", "--env", "dev")).code).toBe(4);
    expect((await sb.run("profile", "edit", "cli-orders", "--no-read-only")).code).toBe(4);
    expect((await sb.run("profile", "show", "cli-orders", "--json")).json()).toMatchObject({
      environment: "prod",
      readOnly: true,
    });
    const ok = await sb.run(
      "profile",
      "edit",
      "cli-orders",
      "--env",
      "dev",
      "--no-read-only",
      "--confirm",
      "cli-orders",
      "--json",
    );
    expect(ok.code).toBe(0);
    expect(ok.json()).toMatchObject({ environment: "dev", readOnly: false });
    const raised = await sb.run("profile", "edit", "cli-orders", "--env", "prod", "--read-only");
    expect(raised.code).toBe(0);
    // Audited like operations: the refusals, the confirmed change and the raise.
    const tl = await sb.run("timeline", "--profile", "cli-orders", "--json", "--limit", "10");
    const events = tl.json<{ events: { kind: string; outcome: string; origin: string }[] }>()
      .events;
    expect(events.filter((e) => e.kind === "profile-update").map((e) => e.outcome)).toEqual([
      "ok",
      "ok",
      "refused",
      "refused",
    ]);
    expect(events[0]!.origin).toBe("cli");
  });

  it("--password-stdin takes the first line of stdin; the profile logs in with it", async () => {
    const added = await runWithSecret(
      { stdin: `${PASSWORD}\nnot this line\n` },
      "profile",
      "add",
      "cli-auth",
      "--url",
      locked.url,
      "--password-stdin",
    );
    expect(added.code).toBe(0);
    expect((await sb.run("profile", "show", "cli-auth", "--json")).json()).toMatchObject({
      hasPassword: true,
    });
    expect((await sb.run("set", "cli-auth", "pw:k", "v")).code).toBe(0);
    // A new password for an existing profile, the same way.
    const edited = await runWithSecret(
      { stdin: "wrong-one\r\n" },
      "profile",
      "edit",
      "cli-auth",
      "--password-stdin",
    );
    expect(edited.code).toBe(0);
    expect((await sb.run("get", "cli-auth", "pw:k")).code).not.toBe(0);
  });

  it("refuses an empty password, a URL that holds one, and a prompt without a terminal (exit 2)", async () => {
    const add = (secret: { stdin?: string }, ...extra: string[]) =>
      runWithSecret(secret, "profile", "add", "cli-nopw", "--url", locked.url, ...extra);
    const empty = await add({ stdin: "\nsecond" }, "--password-stdin");
    expect(empty.code).toBe(2);
    expect(empty.stderr).toMatch(/No password was given on stdin/);
    const both = await runWithSecret(
      { stdin: PASSWORD },
      "profile",
      "add",
      "cli-nopw",
      "--url",
      `redis://:url-pw-42x@127.0.0.1:${locked.port}`,
      "--password-stdin",
    );
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/The URL already holds a password/);
    expect(both.stderr).not.toContain("url-pw-42x");
    const noTty = await add({}, "--password-prompt");
    expect(noTty.code).toBe(2);
    expect(noTty.stderr).toMatch(/--password-prompt needs a terminal/);
    const prompted = await runWithSecret(
      { prompt: PASSWORD },
      "profile",
      "add",
      "cli-prompted",
      "--url",
      locked.url,
      "--password-prompt",
    );
    expect(prompted).toMatchObject({ code: 0, asked: ["Password: "] });
    expect((await sb.run("set", "cli-prompted", "pw:k2", "v")).code).toBe(0);
  });

  it("the installed cachify reads --password-stdin from its real stdin", async () => {
    const child = spawn(
      CLI_BIN,
      ["profile", "add", "cli-piped", "--url", locked.url, "--password-stdin"],
      { env: { ...process.env, CACHIFY_HOME: sb.dataDir }, stdio: ["pipe", "pipe", "pipe"] },
    );
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    child.stdin.end(`${PASSWORD}\n`);
    const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
    expect(code, stderr).toBe(0);
    expect((await sb.run("set", "cli-piped", "pw:k3", "v")).code).toBe(0);
  });

  it("--password-prompt on a terminal reads the password without echoing it", async () => {
    // `script` gives the command a terminal; the password is typed once the prompt shows.
    const child = spawn(
      "script",
      ["-qec", `${CLI_BIN} profile add cli-tty --url ${locked.url} --password-prompt`, "/dev/null"],
      { env: { ...process.env, CACHIFY_HOME: sb.dataDir }, stdio: ["pipe", "pipe", "pipe"] },
    );
    let screen = "";
    let typed = false;
    child.stdout.on("data", (d) => {
      screen += d;
      if (!typed && screen.includes("Password: ")) {
        typed = true;
        child.stdin.write(`${PASSWORD}\r`);
      }
    });
    const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
    expect(code, screen).toBe(0);
    expect(screen).toContain("Password: ");
    expect(screen).not.toContain(PASSWORD);
    expect((await sb.run("set", "cli-tty", "pw:k4", "v")).code).toBe(0);
  });
});
