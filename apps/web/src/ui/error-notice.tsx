import { isApiError } from "../api/client.ts";
import { WarningIcon } from "./icons.tsx";

const UNEXPECTED =
  "Something unexpected went wrong in this window. Reload it; if it happens again, check the studio's log.";

/** What failed, the server's explanation (which says what to do), and a retry where it helps. */
export function ErrorNotice({
  title,
  error,
  onRetry,
  onDismiss,
  compact = false,
}: {
  title: string;
  error: unknown;
  onRetry?: () => void;
  onDismiss?: () => void;
  compact?: boolean;
}) {
  const message = isApiError(error) ? error.message : UNEXPECTED;
  return (
    <div className={compact ? "notice notice-error compact" : "notice notice-error"} role="alert">
      <WarningIcon />
      <div className="notice-body">
        <strong>{title}</strong>
        <p>{message}</p>
      </div>
      {onRetry && (
        <button type="button" className="btn btn-small" onClick={onRetry}>
          Retry
        </button>
      )}
      {onDismiss && (
        <button type="button" className="btn btn-small" onClick={onDismiss}>
          Dismiss
        </button>
      )}
    </div>
  );
}
