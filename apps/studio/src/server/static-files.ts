import { existsSync, readFileSync } from "node:fs";
import { dirname, extname, join, normalize, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import type { FastifyInstance } from "fastify";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".json": "application/json",
  ".woff2": "font/woff2",
};

/** Finds the built web UI from the source tree (tests) or from the bundled CLI (dist). */
export function findWebDist(): string | undefined {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [
    process.env.CACHIFY_WEB_DIST,
    resolve(here, "../../../web/dist"),
    resolve(here, "../../web/dist"),
  ];
  return candidates.find((c): c is string => c !== undefined && existsSync(join(c, "index.html")));
}

export function registerStaticFiles(app: FastifyInstance, root: string | undefined): void {
  app.get("/*", async (req, reply) => {
    if (!root) {
      return reply
        .status(503)
        .type("text/plain")
        .send("The web UI is not built. Run: npm run build (or npm start, which builds it).");
    }
    const path = new URL(req.url, "http://x").pathname;
    const rel = normalize(decodeURIComponent(path)).replace(/^([/\\])+/, "");
    let file = resolve(root, rel);
    if (!file.startsWith(root + sep) && file !== root) return reply.status(404).send();
    if (!existsSync(file) || !extname(file)) file = join(root, "index.html");
    const body = readFileSync(file);
    const immutable = file.includes(`${sep}assets${sep}`);
    return reply
      .type(TYPES[extname(file)] ?? "application/octet-stream")
      .header("cache-control", immutable ? "public, max-age=31536000, immutable" : "no-cache")
      .send(body);
  });
}
