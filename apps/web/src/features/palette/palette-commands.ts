import type { RefObject } from "react";
import type { ProfileView } from "../../api/types.ts";
import { ENV_SHORT } from "../../lib/format.ts";
import {
  navigate,
  type Route,
  routeHref,
  type Screen,
  TABS,
  type Tab,
  tabLabel,
} from "../../lib/route.ts";
import type { ThemeChoice } from "../../lib/theme.ts";
import { requestView, type ViewRequest } from "../../lib/view-requests.ts";

const SCREENS: { screen: Screen; label: string; hint: string }[] = [
  {
    screen: "overview",
    label: "Overview",
    hint: "health, trends and the timeline of every connection",
  },
  {
    screen: "connections",
    label: "Connections",
    hint: "every saved connection, its environment, policy and health",
  },
  { screen: "alerts", label: "Alerts", hint: "alert rules and their state" },
  { screen: "settings", label: "Settings", hint: "collector, retention, notifications, theme" },
  {
    screen: "get-started",
    label: "Get started",
    hint: "find servers on this machine, import connections, environments explained",
  },
];

/** Views inside a connection's tabs, reached through a request to the mounted view. */
const SUB_VIEWS: { what: ViewRequest; tab: Tab; label: string; words: string }[] = [
  { what: "workflow-templates", tab: "workflows", label: "Workflow templates", words: "presets" },
  {
    what: "workflow-executions",
    tab: "workflows",
    label: "Execution history",
    words: "runs workflows rerun undo",
  },
  { what: "rollback", tab: "history", label: "Rollback", words: "undo restore snapshots" },
];

export interface Command {
  id: string;
  group: "Screens" | "Connections" | "Keys" | "Actions";
  label: string;
  hint?: string;
  /** Extra words the filter matches (environment, engine). */
  words?: string;
  run: () => void;
}

export function score(c: Command, tokens: string[]): number {
  if (tokens.length === 0) return 1;
  const label = c.label.toLowerCase();
  const hay = `${label} ${(c.words ?? "").toLowerCase()} ${(c.hint ?? "").toLowerCase()}`;
  let s = 0;
  for (const t of tokens) {
    const i = hay.indexOf(t);
    if (i < 0) return 0;
    s += label.startsWith(t) ? 6 : label.includes(` ${t}`) ? 4 : i < label.length ? 3 : 1;
  }
  return s;
}

/** Every command: the screens, each connection's tabs and views, and the actions. */
export function buildCommands({
  profiles,
  current,
  onAddConnection,
  setTheme,
  moved,
}: {
  profiles: ProfileView[];
  current: ProfileView | undefined;
  onAddConnection: () => void;
  setTheme: (t: ThemeChoice) => void;
  /** Set to the hash a command navigates to (focus follows it). */
  moved: RefObject<string>;
}): Command[] {
  const go = (r: Route) => () => {
    moved.current = routeHref(r);
    navigate(r);
  };
  const out: Command[] = SCREENS.map((s) => ({
    id: `screen:${s.screen}`,
    group: "Screens",
    label: s.label,
    hint: s.hint,
    run: go({ tab: "browser", screen: s.screen }),
  }));
  const sorted = [...profiles].sort((a, b) => a.name.localeCompare(b.name));
  for (const p of sorted) {
    const words = `${p.environment} ${ENV_SHORT[p.environment]} ${p.engine}`;
    for (const t of TABS) {
      out.push({
        id: `conn:${p.id}:${t}`,
        group: "Connections",
        label: t === "browser" ? p.name : `${p.name} › ${tabLabel(t)}`,
        hint: t === "browser" ? `${ENV_SHORT[p.environment]} · ${p.engine}` : undefined,
        words: t === "browser" ? `${words} key browser keys` : words,
        run: go({ profileId: p.id, tab: t }),
      });
    }
    for (const v of SUB_VIEWS) {
      out.push({
        id: `conn:${p.id}:${v.what}`,
        group: "Connections",
        label: `${p.name} › ${v.label}`,
        words: `${words} ${v.words}`,
        run: () => {
          go({ profileId: p.id, tab: v.tab })();
          requestView(p.id, v.what);
        },
      });
    }
  }
  out.push({
    id: "action:add",
    group: "Actions",
    label: "Add connection",
    words: "new profile",
    run: onAddConnection,
  });
  out.push({
    id: "action:import",
    group: "Actions",
    label: "Import connections…",
    hint: "Cachify, RedisInsight, Another Redis Desktop Manager, URL lists",
    words: "file export",
    run: go({ tab: "browser", screen: "get-started" }),
  });
  out.push({
    id: "action:detect",
    group: "Actions",
    label: "Find servers on this machine",
    words: "detect local redis memcached onboarding",
    run: go({ tab: "browser", screen: "get-started" }),
  });
  if (current) {
    out.push({
      id: "action:new-key",
      group: "Actions",
      label: `New key in ${current.name}…`,
      words: "create add",
      run: () => {
        go({ profileId: current.id, tab: "browser" })();
        requestView(current.id, "new-key");
      },
    });
    out.push({
      id: "action:test",
      group: "Actions",
      label: `Test connection ${current.name}`,
      words: "ping reachable",
      run: () => requestView(current.id, "test-connection"),
    });
  }
  for (const t of ["light", "dark", "system"] as ThemeChoice[]) {
    out.push({
      id: `action:theme:${t}`,
      group: "Actions",
      label: `Theme: ${t}`,
      words: "appearance colour color mode",
      run: () => setTheme(t),
    });
  }
  return out;
}
