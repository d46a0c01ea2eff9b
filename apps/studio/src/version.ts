/** The studio's version, printed by `cachify --version` and /api/health (kept equal to package.json's by a test). */
export const VERSION = "0.1.0";
