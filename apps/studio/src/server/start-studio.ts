import { randomBytes } from "node:crypto";
import websocket from "@fastify/websocket";
import Fastify from "fastify";
import type { CollectorOptions } from "../app/observability/service.ts";
import { type App, openApp } from "../composition/open-app.ts";
import { VERSION } from "../version.ts";
import { BODY_LIMIT_BYTES, errorHandler } from "./http-errors.ts";
import { LaunchCodes } from "./launch-codes.ts";
import { registerConsoleRoutes } from "./routes/console.ts";
import { registerHistoryRoutes } from "./routes/history.ts";
import { registerKeyRoutes } from "./routes/keys.ts";
import { registerObservabilityRoutes } from "./routes/observability.ts";
import { type OnboardingOptions, registerOnboardingRoutes } from "./routes/onboarding.ts";
import { registerPolicyRoutes } from "./routes/policies.ts";
import { registerProfileRoutes } from "./routes/profiles.ts";
import { registerRollbackRoutes } from "./routes/rollback.ts";
import { registerServerInfoRoutes } from "./routes/server-info.ts";
import { registerSessionRoutes } from "./routes/session.ts";
import { registerSettingsRoutes } from "./routes/settings.ts";
import { registerValueRoutes } from "./routes/values.ts";
import { registerWorkflowRoutes } from "./routes/workflows.ts";
import { chooseProtocol, doorHook, makeDoor, securityHeaders } from "./security.ts";
import { findWebDist, registerStaticFiles } from "./static-files.ts";

export interface StudioOptions {
  dataDir: string;
  /** 0 picks a free port. */
  port?: number;
  host?: string;
  /** The observability collector: on unless false; options for tests (clock, desktop notifier). */
  collector?: false | CollectorOptions;
  /** First-run detection: where REDIS_URL-style hints are read (tests give their own). */
  onboarding?: OnboardingOptions;
}

export interface RunningStudio {
  /** A fresh launch link at each read (see link()). */
  readonly url: string;
  /** A new launch link: `/?code=…`, a one-time code the page trades for the session token. */
  link(): string;
  port: number;
  /** The session token (API clients send it as `Authorization: Bearer`); never in a link. */
  token: string;
  app: App;
  /** Every route served, "METHOD /path" (the entry-point test enumerates them). */
  routes: string[];
  close(): Promise<void>;
}

const LOOPBACK = new Set(["127.0.0.1", "localhost", "::1"]);

export async function startStudio(options: StudioOptions): Promise<RunningStudio> {
  const host = options.host ?? "127.0.0.1";
  if (!LOOPBACK.has(host)) {
    throw new Error(
      `Refusing to listen on ${host}: the studio serves only loopback (127.0.0.1) until remote authentication exists.`,
    );
  }
  const app = openApp({ dataDir: options.dataDir });
  const token = randomBytes(24).toString("base64url");
  const codes = new LaunchCodes();
  // forceCloseConnections: a close waits for no idle keep-alive socket (a window left open).
  const server = Fastify({
    logger: false,
    bodyLimit: BODY_LIMIT_BYTES,
    forceCloseConnections: true,
  });
  const shownHost = host === "::1" ? "[::1]" : "127.0.0.1";
  let port = options.port ?? 0;
  const link = () => `http://${shownHost}:${port}/?code=${codes.mint()}`;
  try {
    await server.register(websocket, { options: { handleProtocols: chooseProtocol } });
    server.setErrorHandler(errorHandler);
    server.addHook("onSend", securityHeaders);
    const routes: string[] = [];
    server.addHook("onRoute", (r) => {
      for (const m of [r.method].flat()) if (m !== "HEAD") routes.push(`${m} ${r.url}`);
    });
    // The port is only known after listen; the hook reads the door lazily.
    let door = makeDoor(token, port);
    server.addHook(
      "onRequest",
      doorHook(() => door),
    );
    server.get("/api/health", async () => ({ ok: true, version: VERSION }));
    registerSessionRoutes(server, { token, codes, link });
    registerProfileRoutes(server, app);
    registerOnboardingRoutes(server, app, options.onboarding);
    registerKeyRoutes(server, app);
    registerHistoryRoutes(server, app);
    registerPolicyRoutes(server, app);
    registerConsoleRoutes(server, app);
    registerRollbackRoutes(server, app);
    registerValueRoutes(server, app);
    registerServerInfoRoutes(server, app);
    registerObservabilityRoutes(server, app);
    registerWorkflowRoutes(server, app);
    registerSettingsRoutes(server, app);
    registerStaticFiles(server, findWebDist());
    await server.listen({ port: options.port ?? 0, host });
    const address = server.server.address();
    port = typeof address === "object" && address ? address.port : 0;
    door = makeDoor(token, port);
    if (options.collector !== false) app.observability.startCollector(options.collector ?? {});
    return {
      get url() {
        return link();
      },
      link,
      port,
      token,
      app,
      routes,
      async close() {
        await server.close();
        await app.close();
      },
    };
  } catch (e) {
    await server.close().catch(() => {});
    await app.close();
    throw e;
  }
}
