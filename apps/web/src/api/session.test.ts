import { afterEach, describe, expect, it, vi } from "vitest";
import { api } from "./client.ts";
import { signIn, socketProtocols } from "./session.ts";

describe("the window's session", () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it("trades the link's code once, drops it from the address bar, then sends the token as a header and a subprotocol", async () => {
    const replaceState = vi.fn();
    const saved = new Map<string, string>();
    vi.stubGlobal("location", { href: "http://127.0.0.1:4000/?code=one-time&x=1#/get-started" });
    vi.stubGlobal("history", { state: null, replaceState });
    vi.stubGlobal("sessionStorage", { setItem: (k: string, v: string) => saved.set(k, v) });
    const fetch = vi.fn(async (_url: string, _init?: RequestInit) =>
      Response.json({ token: "tok" }),
    );
    vi.stubGlobal("fetch", fetch);

    await signIn();
    expect(replaceState).toHaveBeenCalledWith(null, "", "/?x=1#/get-started");
    const [url, init = {}] = fetch.mock.calls[0]!;
    expect(url).toBe("/api/session");
    expect(init).toMatchObject({ method: "POST", credentials: "omit" });
    expect(JSON.parse(String(init.body))).toEqual({ code: "one-time" });
    expect(saved.get("cachify.session")).toBe("tok");
    expect(socketProtocols()).toEqual(["cachify", "cachify.bearer.tok"]);

    fetch.mockClear();
    await api.health();
    expect(fetch.mock.calls[0]?.[1]?.headers).toMatchObject({ Authorization: "Bearer tok" });
  });

  it("does nothing without a code in the address", async () => {
    const replaceState = vi.fn();
    const fetch = vi.fn();
    vi.stubGlobal("location", { href: "http://127.0.0.1:4000/#/settings" });
    vi.stubGlobal("history", { state: null, replaceState });
    vi.stubGlobal("fetch", fetch);
    await signIn();
    expect(replaceState).not.toHaveBeenCalled();
    expect(fetch).not.toHaveBeenCalled();
  });
});
