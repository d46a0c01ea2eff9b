import { mkdtempSync, rmSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type RunningStudio, startStudio } from "@cachify/studio";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";

/** Status of one raw request (node:http, so Host and Origin can be anything). */
function status(
  studio: RunningStudio,
  method: string,
  path: string,
  headers: Record<string, string>,
) {
  return new Promise<number>((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port: studio.port, method, path, headers }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
    });
    req.on("error", reject);
    req.end();
  });
}

/**
 * Every route the studio serves, enumerated from the server itself, is refused without the token,
 * with the token under a foreign Host (DNS rebinding) or from a foreign Origin; the WebSocket too.
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

  it("refuses each route without the token (401), with a foreign Host or Origin (403)", async () => {
    const routes = [...new Set(studio.routes)];
    expect(routes.length).toBeGreaterThan(10);
    const host = `127.0.0.1:${studio.port}`;
    const auth = `Bearer ${studio.token}`;
    for (const route of routes) {
      const [method, path] = route.split(" ") as [string, string];
      const url = concrete(path);
      expect(await status(studio, method, url, { host }), `${route} without token`).toBe(401);
      expect(
        await status(studio, method, url, { host, authorization: "Bearer wrong" }),
        `${route} wrong token`,
      ).toBe(401);
      expect(
        await status(studio, method, url, {
          host: `attacker.example:${studio.port}`,
          authorization: auth,
        }),
        `${route} foreign Host`,
      ).toBe(403);
      expect(
        await status(studio, method, url, {
          host,
          authorization: auth,
          origin: "http://attacker.example",
        }),
        `${route} foreign Origin`,
      ).toBe(403);
    }
    console.log(`local API: ${routes.length} routes checked four ways each`);
  });

  it("refuses the WebSocket without the token, from a foreign Origin, and accepts it with both right", async () => {
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
  });
});
