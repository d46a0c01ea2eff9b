/**
 * The window's session with the studio. The launch link carries a one-time code (`/?code=…`);
 * the page trades it for the session token, drops it from the address bar, and keeps the token
 * in sessionStorage (this window only, kept across a reload) to send as `Authorization: Bearer`
 * and, on the WebSocket, as a subprotocol. No cookie: cookies are not port-scoped, so every
 * other server on 127.0.0.1 would receive it.
 */
const STORAGE_KEY = "cachify.session";

function stored(): string | null {
  try {
    return typeof sessionStorage === "undefined" ? null : sessionStorage.getItem(STORAGE_KEY);
  } catch {
    return null; // storage disabled: the session lives in memory only
  }
}

let token: string | null = stored();

/** Trades the launch link's code, if any, for the session token. Never throws. */
export async function signIn(): Promise<void> {
  const url = new URL(location.href);
  const code = url.searchParams.get("code");
  if (code === null) return;
  // Out of the address bar and this history entry at once, whatever the exchange gives.
  url.searchParams.delete("code");
  history.replaceState(history.state, "", `${url.pathname}${url.search}${url.hash}`);
  try {
    const res = await fetch("/api/session", {
      method: "POST",
      credentials: "omit",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify({ code }),
    });
    if (!res.ok) return; // used or expired: the first API call says what to do
    const body = (await res.json()) as { token?: unknown };
    if (typeof body.token !== "string") return;
    token = body.token;
    try {
      sessionStorage.setItem(STORAGE_KEY, token);
    } catch {
      // memory only
    }
  } catch {
    // the studio is unreachable: the first API call says so
  }
}

export function authHeaders(): Record<string, string> {
  return token ? { Authorization: `Bearer ${token}` } : {};
}

/** Subprotocols for the WebSocket: the studio answers "cachify", never echoing the token. */
export function socketProtocols(): string[] {
  return token ? ["cachify", `cachify.bearer.${token}`] : ["cachify"];
}
