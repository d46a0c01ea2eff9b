import { useLiveStatus } from "../api/live.tsx";

/** Whether the studio's live feed is connected (its dot and word). */
export function LiveBadge() {
  const live = useLiveStatus();
  return (
    <span className={`live live-${live}`} title="Live updates from the studio">
      <span className="live-dot" aria-hidden="true" />
      {live === "live" ? "Live" : live === "connecting" ? "Connecting…" : "Reconnecting…"}
    </span>
  );
}
