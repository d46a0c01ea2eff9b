import { AppWindow, type OperationSample } from "@cachify/core";

/**
 * App metrics from the gate's observers: every operation this studio runs (UI, API, workflows),
 * per profile and kind, in two windows: since the previous poll (for the live series and alert
 * rules) and since the minute began (for the rollup). The collector's own polls are left out.
 */
export class AppMetrics {
  private readonly interval = new Map<string, AppWindow>();
  private readonly minute = new Map<string, AppWindow>();

  readonly observe = (s: OperationSample): void => {
    if (s.origin === "collector") return;
    const failed = s.outcome === "error" || s.outcome === "timeout";
    for (const map of [this.interval, this.minute]) {
      let w = map.get(s.profileId);
      if (!w) {
        w = new AppWindow();
        map.set(s.profileId, w);
      }
      w.add(s.kind, s.durationMs, failed);
    }
  };

  /** The operations since the previous call for this profile (undefined: none). */
  drainInterval(profileId: string): AppWindow | undefined {
    const w = this.interval.get(profileId);
    this.interval.delete(profileId);
    return w;
  }

  drainMinute(profileId: string): AppWindow | undefined {
    const w = this.minute.get(profileId);
    this.minute.delete(profileId);
    return w;
  }

  /** Profiles with operations in the current minute. */
  minuteProfiles(): string[] {
    return [...this.minute.keys()];
  }
}
