import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { retryPolicy } from "./api/hooks.ts";
import { LiveUpdates } from "./api/live.tsx";
import { App } from "./app.tsx";
import { ErrorBoundary } from "./components/error-boundary.tsx";
import { applyTheme, storedTheme } from "./lib/theme.ts";

applyTheme(storedTheme());

// The launch link carries the token once; the server has turned it into a cookie by now, so
// keep it out of the address bar, the window history and anything copied from there.
const url = new URL(location.href);
if (url.searchParams.has("token")) {
  url.searchParams.delete("token");
  history.replaceState(history.state, "", `${url.pathname}${url.search}${url.hash}`);
}

const queryClient = new QueryClient({
  defaultOptions: {
    queries: { retry: retryPolicy, refetchOnWindowFocus: false, staleTime: 10_000 },
    mutations: { retry: false },
  },
});

const root = document.getElementById("root");
if (!root) throw new Error("index.html lacks #root");
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
