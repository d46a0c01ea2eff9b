import type { KeyRow } from "../../api/types.ts";
import { formatTtl } from "../../lib/format.ts";

/** A key row's type badge and TTL (struck through when the key is gone). */
export function KeyTypeCells({ row }: { row: KeyRow }) {
  return (
    <>
      <span className={`type-badge type-${row.type}`}>{row.type}</span>
      <span className={row.ttl === -2 ? "num muted strike" : "num muted"}>
        {formatTtl(row.ttl)}
      </span>
    </>
  );
}
