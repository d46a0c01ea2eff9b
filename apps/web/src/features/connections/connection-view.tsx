import { useEffect, useRef, useState } from "react";
import type { ProfileView } from "../../api/types.ts";
import { navigate, TABS, type Tab, tabLabel } from "../../lib/route.ts";
import { useViewRequest } from "../../lib/view-requests.ts";
import { GuardProvider } from "../../ui/guard.tsx";
import { TabList } from "../../ui/tabs.tsx";
import { ConsoleView } from "../console/console-view.tsx";
import { ConnectionDashboard } from "../dashboard/connection-dashboard.tsx";
import { HistoryView } from "../history/history-view.tsx";
import { KeyBrowser } from "../keys/key-browser.tsx";
import { RollbackDialog } from "../rollback/rollback-dialog.tsx";
import { ServerInfoView } from "../server-info/server-info-view.tsx";
import { WorkflowsView } from "../workflows/workflows-view.tsx";
import { ProdBar, TopBar } from "./top-bar.tsx";

/** One connection: prod bar, top bar, and its tabs. Visited tabs stay mounted to keep their state. */
export function ConnectionView({ profile, tab }: { profile: ProfileView; tab: Tab }) {
  const [visited, setVisited] = useState<Set<Tab>>(() => new Set([tab]));
  if (!visited.has(tab)) setVisited(new Set([...visited, tab]));
  const tabRefs = useRef<Partial<Record<Tab, HTMLButtonElement | null>>>({});

  const [rollback, setRollback] = useState(false);
  // The command palette's "Rollback": the helper over every recent snapshot of this connection.
  useViewRequest(profile.id, "rollback", () => setRollback(true));

  const go = (t: Tab) => navigate({ profileId: profile.id, tab: t });
  // Alt+1 … Alt+6 switch tabs from anywhere in the connection (shown on each tab's hover).
  useEffect(() => {
    const onKey = (e: globalThis.KeyboardEvent) => {
      if (!e.altKey || e.ctrlKey || e.metaKey || e.shiftKey) return;
      const n = Number(e.key);
      const t = Number.isInteger(n) && n >= 1 ? TABS[n - 1] : undefined;
      if (!t || document.querySelector("dialog[open]")) return;
      e.preventDefault();
      navigate({ profileId: profile.id, tab: t });
      tabRefs.current[t]?.focus();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [profile.id]);
  return (
    <GuardProvider profile={profile}>
      <section className={`connection env-${profile.environment}`} aria-label={profile.name}>
        <ProdBar profile={profile} />
        <TopBar profile={profile} />
        <TabList
          label="Connection views"
          className="tabs"
          tabClassName="tab"
          tabs={TABS}
          current={tab}
          onSelect={go}
          homeEnd
          refs={tabRefs}
          spec={(t) => ({
            id: `tab-${t}`,
            controls: `panel-${t}`,
            label: tabLabel(t),
            keyshortcuts: `Alt+${TABS.indexOf(t) + 1}`,
            title: `${tabLabel(t)} (Alt+${TABS.indexOf(t) + 1})`,
          })}
        />
        {TABS.map((t) =>
          visited.has(t) ? (
            <div
              key={t}
              role="tabpanel"
              id={`panel-${t}`}
              aria-labelledby={`tab-${t}`}
              className="tabpanel"
              hidden={t !== tab}
            >
              {t === "browser" ? (
                <KeyBrowser profile={profile} active={t === tab} />
              ) : t === "console" ? (
                <ConsoleView profile={profile} active={t === tab} />
              ) : t === "info" ? (
                <ServerInfoView profile={profile} active={t === tab} />
              ) : t === "workflows" ? (
                <WorkflowsView profile={profile} active={t === tab} />
              ) : t === "dashboard" ? (
                <ConnectionDashboard profile={profile} active={t === tab} />
              ) : (
                <HistoryView profile={profile} active={t === tab} />
              )}
            </div>
          ) : null,
        )}
      </section>
      {rollback && (
        <RollbackDialog
          profile={profile}
          scope={{ kind: "recent" }}
          onClose={() => setRollback(false)}
        />
      )}
    </GuardProvider>
  );
}
