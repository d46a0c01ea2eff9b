import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { retryPolicy } from "./api/hooks.ts";
import { LiveUpdates } from "./api/live.tsx";
import { signIn } from "./api/session.ts";
import { App } from "./app.tsx";
import { ErrorBoundary } from "./components/error-boundary.tsx";
import { applyTheme, storedTheme } from "./lib/theme.ts";

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
