import type { Environment } from "../api/types.ts";
import { ENV_LABEL, ENV_SHORT } from "../lib/format.ts";

export function EnvBadge({ env }: { env: Environment }) {
  return (
    <span className={`env-badge env-${env}`} title={ENV_LABEL[env]}>
      {ENV_SHORT[env]}
    </span>
  );
}
