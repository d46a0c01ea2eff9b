import type { FastifyInstance } from "fastify";
import type { App } from "../../app/open-app.ts";

/**
 * The V2 feature switches (Settings → Features): GET what is in force and saved, PUT a partial
 * record such as `{"snapshots": false}`. Unknown switches and values other than true/false are
 * refused (400 bad-input, `details.field` names the switch). Changes apply without a restart.
 */
export function registerSettingsRoutes(server: FastifyInstance, app: App): void {
  // Every open window hears of a change, whether made here or by `cachify settings set`.
  app.features.onChange(() =>
    app.observability.live.publish({ type: "features", features: app.features.view() }),
  );

  server.get("/api/settings/features", async () => app.features.view());

  server.put("/api/settings/features", async (req) => app.features.update(req.body ?? {}));
}
