import { useHealthCards } from "../../api/observability-hooks.ts";
import type { ProfileView } from "../../api/types.ts";
import { ENV_LABEL, ENV_ORDER } from "../../lib/format.ts";
import { profileAddress } from "../../lib/profile.ts";
import { routeHref, type Screen, type Tab } from "../../lib/route.ts";
import { type ThemeChoice, useTheme } from "../../lib/theme.ts";
import { PlusIcon } from "../../ui/icons.tsx";
import { ReadOnlyLock } from "../../ui/read-only-lock.tsx";
import { HealthDot } from "../dashboard/health.tsx";
import { NotificationBell } from "../notifications/notification-center.tsx";
import { openPalette } from "../palette/command-palette.tsx";

export function ConnectionRail({
  profiles,
  activeId,
  tab,
  onAdd,
  screen,
}: {
  profiles: ProfileView[] | undefined;
  activeId: string | undefined;
  tab: Tab;
  onAdd: () => void;
  /** The global screen shown, if any (Overview, Alerts, Settings). */
  screen?: Screen | undefined;
}) {
  const [theme, setTheme] = useTheme();
  const health = useHealthCards();
  const cards = new Map((health.data?.profiles ?? []).map((c) => [c.profileId, c]));
  const firing = (health.data?.profiles ?? []).reduce((n, c) => n + c.alerts.firing, 0);
  const groups = ENV_ORDER.map((env) => ({
    env,
    items: (profiles ?? [])
      .filter((p) => p.environment === env)
      .sort((a, b) => a.name.localeCompare(b.name)),
  })).filter((g) => g.items.length > 0);

  return (
    <nav className="rail" aria-label="Connections">
      <div className="rail-head">
        <span className="brand">Cachify Studio</span>
        <NotificationBell />
      </div>
      <button type="button" className="rail-search" onClick={openPalette}>
        <span>Go to…</span>
        <kbd>Ctrl K</kbd>
      </button>
      <ul className="rail-screens" aria-label="Screens">
        {(
          [
            ["overview", "Overview"],
            ["connections", "Connections"],
            ["alerts", "Alerts"],
            ["settings", "Settings"],
          ] as [Screen, string][]
        ).map(([s, label]) => (
          <li key={s}>
            <a
              className="rail-item rail-screen"
              href={routeHref({ tab: "browser", screen: s })}
              aria-current={screen === s ? "page" : undefined}
            >
              <span className="rail-name">{label}</span>
              {s === "alerts" && firing > 0 && (
                <span className="rail-count" title={`${firing} alert(s) firing`}>
                  {firing} firing
                </span>
              )}
            </a>
          </li>
        ))}
      </ul>
      <div className="rail-actions">
        <button type="button" className="btn btn-block" onClick={onAdd}>
          <PlusIcon />
          Add connection
        </button>
      </div>
      <div className="rail-list">
        {groups.map(({ env, items }) => (
          <section key={env} className={`rail-group env-${env}`} aria-label={ENV_LABEL[env]}>
            <h2 className="rail-group-title">{ENV_LABEL[env]}</h2>
            <ul>
              {items.map((p) => (
                <li key={p.id}>
                  <a
                    className="rail-item"
                    href={routeHref({ profileId: p.id, tab })}
                    aria-current={p.id === activeId ? "page" : undefined}
                    title={`${p.name} · ${p.engine} · ${profileAddress(p)}`}
                    style={p.color ? { ["--item-color" as string]: p.color } : undefined}
                  >
                    <span className="rail-swatch" aria-hidden="true" />
                    <span className="rail-name">{p.name}</span>
                    <ReadOnlyLock profile={p} />
                    <HealthDot card={cards.get(p.id)} />
                  </a>
                </li>
              ))}
            </ul>
          </section>
        ))}
      </div>
      <div className="rail-foot">
        <label className="field-inline">
          <span>Theme</span>
          <select value={theme} onChange={(e) => setTheme(e.target.value as ThemeChoice)}>
            <option value="system">System</option>
            <option value="light">Light</option>
            <option value="dark">Dark</option>
          </select>
        </label>
      </div>
    </nav>
  );
}
