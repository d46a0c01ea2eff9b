import { guardrailsView } from "@cachify/core";
import type { FastifyInstance } from "fastify";
import type { App } from "../../composition/open-app.ts";

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

  // Guardrail levels per environment (Settings → Guardrails): the gate reads them at each
  // operation, so a change here is enforced for the API, the console and the CLI alike. Prod
  // cannot be lowered (400 bad-input, `details.param` names the field, nothing saved).
  server.get("/api/settings/guardrails", async () => guardrailsView(app.store.guardrails.get()));

  server.put("/api/settings/guardrails", async (req) =>
    guardrailsView(app.store.guardrails.update(req.body ?? {})),
  );
}
