import { type ReactNode, useEffect, useState } from "react";
import { useProfiles } from "./api/hooks.ts";
import { useObservabilityLive } from "./api/observability-hooks.ts";
import { AlertsScreen } from "./features/alerts/alerts-screen.tsx";
import {
  AddConnectionDialog,
  type ConnectionDraft,
} from "./features/connections/add-connection-dialog.tsx";
import { ConnectionRail } from "./features/connections/connection-rail.tsx";
import { ConnectionView } from "./features/connections/connection-view.tsx";
import { ConnectionsScreen } from "./features/connections/connections-screen.tsx";
import { DashboardView } from "./features/dashboard/dashboard-view.tsx";
import { AlertToasts } from "./features/notifications/notification-center.tsx";
import { OnboardingScreen } from "./features/onboarding/onboarding-screen.tsx";
import { CommandPalette } from "./features/palette/command-palette.tsx";
import { SettingsScreen } from "./features/settings/settings-screen.tsx";
import { installDialogFocus } from "./lib/focus-trap.ts";
import { navigate, routeHref, useRoute } from "./lib/route.ts";
import { EmptyState } from "./ui/empty-state.tsx";
import { ErrorNotice } from "./ui/error-notice.tsx";
import { DatabaseIcon, PlusIcon } from "./ui/icons.tsx";

export function App() {
  const route = useRoute();
  const profiles = useProfiles();
  // The add-connection form: closed (null), or open with what it starts with.
  const [adding, setAdding] = useState<ConnectionDraft | null>(null);
  const active = profiles.data?.find((p) => p.id === route.profileId);
  const openAdd = (initial?: ConnectionDraft) => setAdding(initial ?? {});
  useObservabilityLive();
  // Every dialog keeps Tab inside and gives focus back when it closes.
  useEffect(() => installDialogFocus(), []);

  // First run: no connection at all lands on Get started (it stays there while you add some).
  const firstRun = profiles.data?.length === 0;
  useEffect(() => {
    if (firstRun && !route.screen && !route.profileId) {
      history.replaceState(history.state, "", routeHref({ tab: "browser", screen: "get-started" }));
      window.dispatchEvent(new HashChangeEvent("hashchange"));
    }
  }, [firstRun, route.screen, route.profileId]);

  let main: ReactNode;
  if (route.screen === "get-started") {
    main = <OnboardingScreen profiles={profiles.data ?? []} firstRun={firstRun} onAdd={openAdd} />;
  } else if (route.screen === "connections") {
    main = <ConnectionsScreen profiles={profiles.data ?? []} onAdd={() => openAdd()} />;
  } else if (route.screen === "settings") {
    main = <SettingsScreen />;
  } else if (route.screen === "alerts") {
    main = <AlertsScreen profiles={profiles.data ?? []} />;
  } else if (profiles.isPending) {
    main = <p className="muted pad">Loading connections…</p>;
  } else if (profiles.isError) {
    main = (
      <div className="pad">
        <ErrorNotice
          title="Could not load the connections"
          error={profiles.error}
          onRetry={() => void profiles.refetch()}
        />
      </div>
    );
  } else if (profiles.data.length === 0) {
    main = (
      <EmptyState
        icon={<DatabaseIcon size={40} />}
        title="Connect your first cache"
        action={
          <button type="button" className="btn btn-primary" onClick={() => openAdd()}>
            <PlusIcon />
            Add your first connection
          </button>
        }
      >
        <p>
          Point the studio at a Redis or Memcached server, for example{" "}
          <code>redis://127.0.0.1:6379</code>. Mark it as dev, staging or prod so the studio can
          guard it accordingly.
        </p>
      </EmptyState>
    );
  } else if (active) {
    main = <ConnectionView key={active.id} profile={active} tab={route.tab} />;
  } else if (!route.profileId) {
    main = <DashboardView profiles={profiles.data} />;
  } else {
    main = (
      <EmptyState title={route.profileId ? "That connection is gone" : "Pick a connection"}>
        <p>
          {route.profileId ? "It may have been removed from another window or the CLI. " : ""}
          Choose one from the list on the left, or add a new one.
        </p>
      </EmptyState>
    );
  }

  return (
    <div className="app">
      <ConnectionRail
        profiles={profiles.data}
        activeId={active?.id}
        tab={route.tab}
        onAdd={() => openAdd()}
        screen={route.screen ?? (route.profileId ? undefined : "overview")}
      />
      <main className="main">{main}</main>
      <AddConnectionDialog
        open={adding !== null}
        initial={adding ?? undefined}
        onClose={() => setAdding(null)}
        onCreated={(p) => navigate({ profileId: p.id, tab: "browser" })}
      />
      <CommandPalette
        profiles={profiles.data ?? []}
        route={route}
        onAddConnection={() => openAdd()}
      />
      <AlertToasts />
    </div>
  );
}
