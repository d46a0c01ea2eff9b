/// <reference types="vite/client" />
// (vite/client declares the `*.css` side-effect imports below to TypeScript.)
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { retryPolicy } from "./api/hooks.ts";
import { LiveUpdates } from "./api/live.tsx";
import { signIn } from "./api/session.ts";
import { App } from "./app.tsx";
import { applyTheme, storedTheme } from "./lib/theme.ts";
import { ErrorBoundary } from "./ui/error-boundary.tsx";
// Styles, in cascade order: tokens and base, the shared ui, then the features.
import "./styles/tokens.css";
import "./styles/base.css";
import "./styles/shell.css";
import "./ui/buttons.css";
import "./ui/field.css";
import "./ui/env-badge.css";
import "./ui/read-only-lock.css";
import "./ui/badges.css";
import "./ui/table.css";
import "./ui/cards.css";
import "./ui/segmented.css";
import "./ui/notice.css";
import "./ui/empty-state.css";
import "./ui/form-dialog.css";
import "./ui/switch.css";
import "./ui/guard.css";
import "./ui/progress.css";
import "./features/connections/connections.css";
import "./features/keys/keys.css";
import "./features/values/values.css";
import "./features/values/viewer.css";
import "./features/history/history.css";
import "./features/console/console.css";
import "./features/server-info/server-info.css";
import "./features/workflows/workflows.css";
import "./features/workflows/plan-preview.css";
import "./features/workflows/executions.css";
import "./features/rollback/rollback.css";
import "./features/dashboard/health.css";
import "./features/dashboard/charts.css";
import "./features/dashboard/dashboard.css";
import "./features/alerts/alerts.css";
import "./features/settings/settings.css";
import "./features/notifications/notifications.css";
import "./features/palette/palette.css";
import "./features/onboarding/onboarding.css";

applyTheme(storedTheme());

const queryClient = new QueryClient({
  defaultOptions: {
    queries: { retry: retryPolicy, refetchOnWindowFocus: false, staleTime: 10_000 },
    mutations: { retry: false },
  },
});

const root = document.getElementById("root");
if (!root) throw new Error("index.html lacks #root");
// Signed in first (the launch link's one-time code), so the first requests carry the session.
await signIn();
createRoot(root).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <LiveUpdates>
        <ErrorBoundary>
          <App />
        </ErrorBoundary>
      </LiveUpdates>
    </QueryClientProvider>
  </StrictMode>,
);
