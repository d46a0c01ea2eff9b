import { Component, type ErrorInfo, type ReactNode } from "react";

/** Last line of defence: a render error shows a calm message instead of a blank window. */
export class ErrorBoundary extends Component<{ children: ReactNode }, { failed: boolean }> {
  override state = { failed: false };

  static getDerivedStateFromError(): { failed: boolean } {
    return { failed: true };
  }

  override componentDidCatch(error: Error, info: ErrorInfo): void {
    // Kept for the developer console only; the user sees no stack trace.
    console.error("cachify: render error", error, info.componentStack);
  }

  override render() {
    if (!this.state.failed) return this.props.children;
    return (
      <div className="empty" role="alert">
        <h2 className="empty-title">This window hit an unexpected problem</h2>
        <p className="empty-text">
          Nothing was sent to your caches because of it. Reload the window to continue; if it keeps
          happening, check the studio's log.
        </p>
        <div className="empty-action">
          <button type="button" className="btn btn-primary" onClick={() => location.reload()}>
            Reload window
          </button>
        </div>
      </div>
    );
  }
}
