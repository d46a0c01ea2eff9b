import { useEffect, useState } from "react";

/** Where the window is, kept in the URL hash so a reload (or a link) lands in the same place. */
export type Tab = "browser" | "console" | "info" | "workflows" | "history" | "dashboard";
export const TABS: readonly Tab[] = [
  "browser",
  "console",
  "info",
  "workflows",
  "history",
  "dashboard",
];

/**
 * The global screens (no connection): `#/overview`, `#/connections`, `#/alerts`, `#/settings`,
 * and `#/get-started` (the first-run screen, shown by itself while there is no connection).
 */
export type Screen = "overview" | "connections" | "alerts" | "settings" | "get-started";
export const SCREENS: readonly Screen[] = [
  "overview",
  "connections",
  "alerts",
  "settings",
  "get-started",
];

export interface Route {
  profileId?: string;
  tab: Tab;
  screen?: Screen;
}

export function parseHash(hash: string): Route {
  const parts = hash.replace(/^#\/?/, "").split("/").map(decodeURIComponent);
  if (parts[0] === "c" && parts[1]) {
    const tab = TABS.includes(parts[2] as Tab) ? (parts[2] as Tab) : "browser";
    return { profileId: parts[1], tab };
  }
  if (SCREENS.includes(parts[0] as Screen)) return { tab: "browser", screen: parts[0] as Screen };
  return { tab: "browser" };
}

export function routeHref(route: Route): string {
  if (route.profileId) return `#/c/${encodeURIComponent(route.profileId)}/${route.tab}`;
  return route.screen ? `#/${route.screen}` : "#/";
}

export function navigate(route: Route): void {
  const href = routeHref(route);
  if (location.hash !== href) location.hash = href;
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseHash(location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parseHash(location.hash));
    window.addEventListener("hashchange", onChange);
    return () => window.removeEventListener("hashchange", onChange);
  }, []);
  return route;
}

const TAB_LABEL: Record<Tab, string> = {
  browser: "Browser",
  console: "Console",
  info: "Server info",
  workflows: "Workflows",
  history: "History",
  dashboard: "Dashboard",
};

/** A connection tab's name, as its tab button and the command palette show it. */
export function tabLabel(t: Tab): string {
  return TAB_LABEL[t] ?? t.charAt(0).toUpperCase() + t.slice(1);
}
