import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type RunningStudio, startStudio } from "@cachify/studio";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import WebSocket from "ws";
import { rawCommand } from "../../../../test/harness/index.ts";
import { instanceProof } from "./instance-proof.ts";

const servers = inject("servers");

/** Raw HTTP so tests can send any Host/Origin header (fetch forbids setting Host). */
function http(
  studio: RunningStudio,
  method: string,
  path: string,
  opts: { headers?: Record<string, string>; body?: unknown; auth?: boolean } = {},
): Promise<{
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  // biome-ignore lint/suspicious/noExplicitAny: tests read whatever JSON the route answers
  json: () => any;
}> {
  return new Promise((resolve, reject) => {
    const payload = opts.body === undefined ? undefined : JSON.stringify(opts.body);
    const headers: Record<string, string> = {
      host: `127.0.0.1:${studio.port}`,
      ...(opts.auth === false ? {} : { authorization: `Bearer ${studio.token}` }),
      ...(payload
        ? {
            "content-type": "application/json",
            "content-length": String(Buffer.byteLength(payload)),
          }
        : {}),
      ...opts.headers,
    };
    const req = request({ host: "127.0.0.1", port: studio.port, method, path, headers }, (res) => {
      let body = "";
      res.on("data", (d) => (body += d));
      res.on("end", () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body,
          json: () => JSON.parse(body),
        }),
      );
    });
    req.on("error", reject);
    if (payload) req.write(payload);
    req.end();
  });
}

describe("studio HTTP API", () => {
  let studio: RunningStudio;
  const dataDir = mkdtempSync(join(tmpdir(), "cachify-api-"));
  beforeAll(async () => {
    studio = await startStudio({ dataDir, port: 0 });
  });
  afterAll(async () => {
    await studio.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("listens on 127.0.0.1; each launch link carries a new one-time code, never the token", () => {
    const first = studio.url;
    expect(first).toMatch(
      new RegExp(`^http://127\\.0\\.0\\.1:${studio.port}/\\?code=[\\w-]{20,}$`),
    );
    expect(first).not.toContain(studio.token);
    expect(studio.url).not.toBe(first);
    expect(studio.link()).toMatch(/\?code=/);
  });

  it("requires the token on the API; the UI's files (no secret in them) load without it", async () => {
    expect((await http(studio, "GET", "/api/profiles", { auth: false })).status).toBe(401);
    expect(
      (
        await http(studio, "GET", "/api/profiles", {
          auth: false,
          headers: { authorization: "Bearer nope" },
        })
      ).status,
    ).toBe(401);
    expect((await http(studio, "GET", "/api/profiles")).status).toBe(200);
    const page = await http(studio, "GET", "/", { auth: false });
    expect(page.status).toBe(200);
    expect(page.headers["content-type"]).toMatch(/^text\/html/);
    expect(page.body).not.toContain(studio.token);
  });

  it("trades a launch code for the token once, sets no cookie, and never takes the token from a URL", async () => {
    const code = new URL(studio.link()).searchParams.get("code");
    const traded = await http(studio, "POST", "/api/session", { auth: false, body: { code } });
    expect(traded.status).toBe(200);
    expect(traded.json()).toEqual({ token: studio.token });
    expect(traded.headers["cache-control"]).toBe("no-store");
    expect(traded.headers["set-cookie"]).toBeUndefined();
    const again = await http(studio, "POST", "/api/session", { auth: false, body: { code } });
    expect(again.status).toBe(401);
    expect(again.json().error.message).toMatch(/already used .*cachify studio link/);
    const unknown = await http(studio, "POST", "/api/session", {
      auth: false,
      body: { code: "made-up" },
    });
    expect(unknown.status).toBe(401);
    // Old-style links and query tokens open nothing.
    expect(
      (await http(studio, "GET", `/?token=${studio.token}`, { auth: false })).headers["set-cookie"],
    ).toBeUndefined();
    expect(
      (await http(studio, "GET", `/api/profiles?token=${studio.token}`, { auth: false })).status,
    ).toBe(401);
  });

  it("mints a launch link only for a token holder", async () => {
    expect((await http(studio, "POST", "/api/session/code", { auth: false })).status).toBe(401);
    const minted = await http(studio, "POST", "/api/session/code");
    expect(minted.status).toBe(201);
    expect(minted.json()).toEqual({
      url: expect.stringMatching(new RegExp(`^http://127\\.0\\.0\\.1:${studio.port}/\\?code=`)),
      expiresInMs: 60_000,
    });
    const code = new URL(minted.json().url).searchParams.get("code");
    expect(
      (await http(studio, "POST", "/api/session", { auth: false, body: { code } })).status,
    ).toBe(200);
  });

  it("proves it holds the token without being sent it: HMAC(token, nonce)", async () => {
    const nonce = randomBytes(16).toString("hex");
    const proof = await http(studio, "GET", `/api/instance/proof?nonce=${nonce}`, { auth: false });
    expect(proof.status).toBe(200);
    expect(proof.json().proof).toBe(instanceProof(studio.token, nonce));
    expect(proof.body).not.toContain(studio.token);
    const bad = await http(studio, "GET", "/api/instance/proof?nonce=xyz", { auth: false });
    expect(bad.status).toBe(400);
  });

  it("refuses a foreign Host (DNS rebinding) and a foreign Origin, and sends no CORS headers", async () => {
    expect(
      (
        await http(studio, "GET", "/api/profiles", {
          headers: { host: `evil.example:${studio.port}` },
        })
      ).status,
    ).toBe(403);
    const cross = await http(studio, "GET", "/api/profiles", {
      headers: { origin: "http://evil.example" },
    });
    expect(cross.status).toBe(403);
    expect(cross.headers["access-control-allow-origin"]).toBeUndefined();
    const same = await http(studio, "GET", "/api/profiles", {
      headers: { origin: `http://127.0.0.1:${studio.port}` },
    });
    expect(same.status).toBe(200);
  });

  it("refuses to bind a non-loopback address", async () => {
    await expect(startStudio({ dataDir, port: 0, host: "0.0.0.0" })).rejects.toThrow(
      /only loopback/,
    );
  });

  it("creates a profile, lists keys, reads and writes a value, with clear errors", async () => {
    await rawCommand(servers.redis.port, ["SET", "api:one", "1"]);
    const created = await http(studio, "POST", "/api/profiles", {
      body: { name: "api-dev", url: servers.redis.url },
    });
    expect(created.status).toBe(201);
    const id = created.json().id;
    expect(created.json()).not.toHaveProperty("password");
    const bad = await http(studio, "POST", "/api/profiles", {
      body: { name: "x", url: "ftp://nope" },
    });
    expect(bad.status).toBe(400);
    expect(bad.json().error).toMatchObject({
      code: "bad-input",
      message: expect.stringMatching(/Unknown scheme/),
    });
    // SCAN pages of a shared server may come back without the match: walk them to the end.
    const found: unknown[] = [];
    for (let cursor = "0", done = false; !done; ) {
      const page = await http(
        studio,
        "GET",
        `/api/profiles/${id}/keys?match=api:one&count=1000&cursor=${cursor}`,
      );
      found.push(...page.json().keys);
      ({ cursor, done } = page.json());
    }
    expect(found).toEqual([expect.objectContaining({ key: "api:one", type: "string", ttl: -1 })]);
    const put = await http(studio, "PUT", `/api/profiles/${id}/key`, {
      body: { key: "api:two", value: "zwei", ttl: 60 },
    });
    expect(put.status).toBe(200);
    // A malformed body names the field at fault, for the form to show the message beside it.
    const badTtl = await http(studio, "PUT", `/api/profiles/${id}/key`, {
      body: { key: "api:two", value: "drei", ttl: "soon" },
    });
    expect(badTtl.status).toBe(400);
    expect(badTtl.json().error).toMatchObject({ code: "bad-input", details: { param: "ttl" } });
    const got = await http(studio, "GET", `/api/profiles/${id}/key?key=api:two`);
    expect(got.json()).toMatchObject({ key: "api:two", type: "string", value: "zwei" });
    expect((await http(studio, "GET", `/api/profiles/${id}/keys?match=api:[`)).status).toBe(400);
    expect((await http(studio, "GET", `/api/profiles/nope/keys`)).status).toBe(404);
  });

  it("answers 428 with what to type on prod, and 403 on read-only, leaving the key unchanged", async () => {
    await rawCommand(servers.redis.port, ["SET", "api:guarded", "orig"]);
    const prod = (
      await http(studio, "POST", "/api/profiles", {
        body: { name: "api-prod", url: servers.redis.url, environment: "prod" },
      })
    ).json();
    const challenged = await http(studio, "DELETE", `/api/profiles/${prod.id}/key?key=api:guarded`);
    expect(challenged.status).toBe(428);
    expect(challenged.json().error.details).toMatchObject({
      level: "typed-name",
      profile: "api-prod",
    });
    const ro = (
      await http(studio, "POST", "/api/profiles", {
        body: { name: "api-ro", url: servers.redis.url, readOnly: true },
      })
    ).json();
    const refused = await http(studio, "PUT", `/api/profiles/${ro.id}/key`, {
      body: { key: "api:guarded", value: "x", confirm: { acknowledged: true } },
    });
    expect(refused.status).toBe(403);
    expect(refused.json().error.code).toBe("read-only");
    expect(await rawCommand(servers.redis.port, ["GET", "api:guarded"])).toBe("$4\r\norig\r\n");
    const challenge = challenged.json().error.details;
    expect(challenge).toMatchObject({ type: "api-prod", challengeId: expect.any(String) });
    // A confirmation is bound to its operation: it does not work for another key.
    await rawCommand(servers.redis.port, ["SET", "api:other", "x"]);
    const replayed = await http(studio, "DELETE", `/api/profiles/${prod.id}/key?key=api:other`, {
      body: { confirm: { challengeId: challenge.challengeId, typedName: "api-prod" } },
    });
    expect(replayed.status).toBe(428);
    expect(replayed.json().error.message).toMatch(/different operation/);
    const mistyped = await http(studio, "DELETE", `/api/profiles/${prod.id}/key?key=api:guarded`, {
      body: { confirm: { challengeId: challenge.challengeId, typedName: "api-prd" } },
    });
    expect(mistyped.status).toBe(428);
    expect(await rawCommand(servers.redis.port, ["GET", "api:guarded"])).toBe("$4\r\norig\r\n");
    const ok = await http(studio, "DELETE", `/api/profiles/${prod.id}/key?key=api:guarded`, {
      body: { confirm: { challengeId: challenge.challengeId, typedName: "api-prod" } },
    });
    expect(ok.json()).toEqual({ deleted: 1 });
    // Used once: the same confirmation cannot be replayed.
    await rawCommand(servers.redis.port, ["SET", "api:guarded", "again"]);
    const again = await http(studio, "DELETE", `/api/profiles/${prod.id}/key?key=api:guarded`, {
      body: { confirm: { challengeId: challenge.challengeId, typedName: "api-prod" } },
    });
    expect(again.status).toBe(428);
  });

  it("gives the timeline of operations without values", async () => {
    const events = (await http(studio, "GET", "/api/history?limit=1000")).json().events;
    expect(events.length).toBeGreaterThan(3);
    expect(JSON.stringify(events)).not.toContain("zwei");
  });

  it("pushes history events over the WebSocket, and refuses a socket without the token", async () => {
    const wsUrl = `ws://127.0.0.1:${studio.port}/api/ws`;
    const outcome = (ws: WebSocket) =>
      new Promise<string>((resolve) => {
        ws.once("open", () => resolve("open"));
        ws.once("error", (e) => resolve(e.message));
      });
    expect(await outcome(new WebSocket(wsUrl))).toMatch(/401/);
    expect(await outcome(new WebSocket(wsUrl, ["cachify", "cachify.bearer.wrong"]))).toMatch(/401/);
    // As the page sends it (a browser cannot set headers on a WebSocket): the token as a
    // subprotocol, answered with "cachify" so the token is not echoed back.
    const ws = new WebSocket(wsUrl, ["cachify", `cachify.bearer.${studio.token}`]);
    expect(await outcome(ws)).toBe("open");
    expect(ws.protocol).toBe("cachify");
    // The socket also carries the collector's health/metrics updates: wait for the history one.
    const message = new Promise<string>((r) =>
      ws.on("message", (d) => {
        if (JSON.parse(String(d)).type === "history") r(String(d));
      }),
    );
    const id = (await http(studio, "GET", "/api/profiles")).json().profiles[0].id;
    await http(studio, "GET", `/api/profiles/${id}/key?key=api:one`);
    const pushed = JSON.parse(await message);
    expect(pushed).toMatchObject({ type: "history", event: { kind: "get", source: "app" } });
    ws.close();
  });
});
