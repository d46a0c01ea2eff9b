import { mkdtempSync, rmSync } from "node:fs";
import { type IncomingHttpHeaders, request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type RunningStudio, startStudio } from "@cachify/studio";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";

/** One raw request (node:http, so Host and Origin can be anything): status, headers, body. */
function send(
  studio: RunningStudio,
  method: string,
  path: string,
  headers: Record<string, string>,
) {
  return new Promise<{ status: number; headers: IncomingHttpHeaders; body: string }>(
    (resolve, reject) => {
      const req = request(
        { host: "127.0.0.1", port: studio.port, method, path, headers },
        (res) => {
          let body = "";
          res.on("data", (d) => (body += d));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
        },
      );
      req.on("error", reject);
      req.end();
    },
  );
}

/** Routes served without the token (security.ts says why); Host and Origin still apply. */
const PUBLIC = ["GET /*", "POST /api/session", "GET /api/instance/proof"];

/** What every answer carries: no framing by another page, no sniffing, no referrer. */
function expectHardened(headers: IncomingHttpHeaders, what: string) {
  expect(headers["x-frame-options"], what).toBe("DENY");
  expect(headers["content-security-policy"], what).toMatch(/(^|; )frame-ancestors 'none'(;|$)/);
  expect(headers["x-content-type-options"], what).toBe("nosniff");
  expect(headers["referrer-policy"], what).toBe("no-referrer");
}

/**
 * Every route the studio serves, enumerated from the server itself, is refused without the token
 * (but the few public ones), with the token under a foreign Host (DNS rebinding) or from a
 * foreign Origin; the WebSocket too. Every answer refuses framing (clickjacking) and sniffing.
 */
describe("local API: every path needs the token and the right Host and Origin", () => {
  let studio: RunningStudio;
  const dataDir = mkdtempSync(join(tmpdir(), "cachify-sec-"));
  beforeAll(async () => {
    studio = await startStudio({ dataDir, port: 0 });
  });
  afterAll(async () => {
    await studio.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const concrete = (route: string) =>
    route
      .replace(/:[A-Za-z]+/g, "x")
      .replace(/\*$/, "index.html")
      .replace(/\/$/, "/");

  it("refuses each route without the token (401), with a foreign Host or Origin (403); every answer refuses framing", async () => {
    const routes = [...new Set(studio.routes)];
    expect(routes.length).toBeGreaterThan(10);
    expect(routes).toEqual(expect.arrayContaining(PUBLIC));
    const host = `127.0.0.1:${studio.port}`;
    const auth = `Bearer ${studio.token}`;
    for (const route of routes) {
      const [method, path] = route.split(" ") as [string, string];
      const url = concrete(path);
      const answers = [
        await send(studio, method, url, { host }),
        await send(studio, method, url, { host, authorization: "Bearer wrong" }),
      ];
      if (!PUBLIC.includes(route)) {
        expect(answers[0]!.status, `${route} without token`).toBe(401);
        expect(answers[1]!.status, `${route} wrong token`).toBe(401);
      }
      const foreignHost = await send(studio, method, url, {
        host: `attacker.example:${studio.port}`,
        authorization: auth,
      });
      expect(foreignHost.status, `${route} foreign Host`).toBe(403);
      const foreignOrigin = await send(studio, method, url, {
        host,
        authorization: auth,
        origin: "http://attacker.example",
      });
      expect(foreignOrigin.status, `${route} foreign Origin`).toBe(403);
      for (const a of [...answers, foreignHost, foreignOrigin]) expectHardened(a.headers, route);
    }
    console.log(`local API: ${routes.length} routes checked four ways each`);
  });

  it("answers the public routes without giving anything away, and hardens success answers too", async () => {
    const host = `127.0.0.1:${studio.port}`;
    const page = await send(studio, "GET", "/", { host });
    expect(page.status).toBe(200);
    expect(page.body).not.toContain(studio.token);
    const exchange = await send(studio, "POST", "/api/session", { host });
    expect(exchange.status).toBe(400);
    expect(exchange.body).not.toContain(studio.token);
    const proof = await send(studio, "GET", "/api/instance/proof", { host });
    expect(proof.status).toBe(400);
    const api = await send(studio, "GET", "/api/profiles", {
      host,
      authorization: `Bearer ${studio.token}`,
    });
    expect(api.status).toBe(200);
    for (const a of [page, exchange, proof, api]) expectHardened(a.headers, "public or 200");
    expect(page.headers["content-security-policy"]).toMatch(/(^|; )script-src 'self'(;|$)/);
  });

  it("answers a malformed Authorization header with 400, and ignores cookies (a bad one is no 500)", async () => {
    const host = `127.0.0.1:${studio.port}`;
    for (const authorization of [
      "Basic dXNlcjpwdw==",
      "Bearer",
      "Bearer a b",
      "Bearer \u00e9t\u00e9",
      "token",
    ]) {
      const r = await send(studio, "GET", "/api/profiles", { host, authorization });
      expect(r.status, authorization).toBe(400);
      expect(JSON.parse(r.body).error).toMatchObject({
        code: "bad-input",
        message: expect.stringContaining("Authorization: Bearer <token>"),
      });
    }
    // No cookie is read: another local app's cookies (sent to every 127.0.0.1 port) change
    // nothing, however malformed; without the bearer it is a plain 401.
    const cookie = `cachify_token_${studio.port}=%E0%A4%A; other=%%; =;`;
    const withBearer = await send(studio, "GET", "/api/profiles", {
      host,
      cookie,
      authorization: `Bearer ${studio.token}`,
    });
    expect(withBearer.status).toBe(200);
    const without = await send(studio, "GET", "/api/profiles", { host, cookie });
    expect(without.status).toBe(401);
    expect(JSON.parse(without.body).error.code).toBe("unauthorized");
  });

  it("answers a body over the limit with 413, naming the limit", async () => {
    const limit = 64 * 1024 * 1024;
    const res = await fetch(`http://127.0.0.1:${studio.port}/api/profiles`, {
      method: "POST",
      headers: { authorization: `Bearer ${studio.token}`, "content-type": "application/json" },
      body: `{"name":"${"a".repeat(limit)}"}`,
    });
    expect(res.status).toBe(413);
    const { error } = (await res.json()) as { error: { message: string; details: unknown } };
    expect(error.message).toMatch(/over the studio's limit of 64 MiB/);
    expect(error.details).toEqual({ limitBytes: limit });
  });

  it("refuses the WebSocket without the token, from a foreign Origin, and accepts it with both right (header or subprotocol)", async () => {
    const url = `ws://127.0.0.1:${studio.port}/api/ws`;
    const outcome = (ws: WebSocket) =>
      new Promise<string>((resolve) => {
        ws.once("open", () => {
          ws.close();
          resolve("open");
        });
        ws.once("error", (e) => resolve(e.message));
      });
    expect(await outcome(new WebSocket(url))).toMatch(/401/);
    expect(
      await outcome(
        new WebSocket(url, {
          headers: { authorization: `Bearer ${studio.token}`, origin: "http://attacker.example" },
        }),
      ),
    ).toMatch(/403/);
    expect(
      await outcome(
        new WebSocket(url, {
          headers: {
            authorization: `Bearer ${studio.token}`,
            origin: `http://127.0.0.1:${studio.port}`,
          },
        }),
      ),
    ).toBe("open");
    expect(
      await outcome(
        new WebSocket(url, ["cachify", `cachify.bearer.${studio.token}`], {
          origin: `http://127.0.0.1:${studio.port}`,
        }),
      ),
    ).toBe("open");
    expect(
      await outcome(
        new WebSocket(url, ["cachify", `cachify.bearer.${studio.token}`], {
          origin: "http://attacker.example",
        }),
      ),
    ).toMatch(/403/);
  });
});
