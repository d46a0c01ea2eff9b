/** An operation's outcome badge, shown only when it is not "ok". */
export function Outcome({ outcome, title }: { outcome: string | undefined; title?: string }) {
  if (!outcome || outcome === "ok") return null;
  return (
    <span className={`outcome outcome-${outcome}`} title={title}>
      {outcome}
    </span>
  );
}
