export * from "./exchange.ts";
export * from "./import-formats.ts";
export * from "./profile.ts";
export * from "./url.ts";
export * from "./validate.ts";
export * from "./view.ts";
