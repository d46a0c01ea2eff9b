import { useProfiles } from "../../api/hooks.ts";
import type { ProfileView } from "../../api/types.ts";
import { DashboardView } from "./dashboard-view.tsx";

/** A connection's Dashboard tab: the Overview's panels for this connection only. */
export function ConnectionDashboard({
  profile,
  active,
}: {
  profile: ProfileView;
  active: boolean;
}) {
  const profiles = useProfiles();
  return <DashboardView profiles={profiles.data ?? [profile]} profile={profile} active={active} />;
}
