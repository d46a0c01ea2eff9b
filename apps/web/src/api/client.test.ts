import { afterEach, describe, expect, it, vi } from "vitest";
import { ApiError, api, request } from "./client.ts";

function answer(status: number, body: string) {
  return vi.fn(
    async (_url: string, _init?: RequestInit) =>
      new Response(body, { status, headers: { "content-type": "application/json" } }),
  );
}

describe("api client", () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it("sends JSON without cookies (no session yet: no Authorization) and returns the parsed answer", async () => {
    const fetch = answer(201, JSON.stringify({ id: "p1" }));
    vi.stubGlobal("fetch", fetch);
    const created = await api.createProfile({ name: "x", environment: "dev", readOnly: false });
    expect(created).toEqual({ id: "p1" });
    const [url, init = {}] = fetch.mock.calls[0]!;
    expect(url).toBe("/api/profiles");
    expect(init.method).toBe("POST");
    expect(init.credentials).toBe("omit");
    expect(init.headers).not.toHaveProperty("Authorization");
    expect(init.headers).toMatchObject({ "Content-Type": "application/json" });
    expect(JSON.parse(String(init.body))).toEqual({
      name: "x",
      environment: "dev",
      readOnly: false,
    });
  });

  it("builds query strings and leaves out empty parameters", async () => {
    const fetch = answer(200, JSON.stringify({ keys: [], cursor: "0", done: true }));
    vi.stubGlobal("fetch", fetch);
    await api.keys("a b", { match: "user:*", type: "", count: 500, cursor: "0" });
    expect(fetch.mock.calls[0]?.[0]).toBe(
      "/api/profiles/a%20b/keys?match=user%3A*&count=500&cursor=0",
    );
  });

  it("turns {error} answers into an ApiError with code, message, status and details", async () => {
    vi.stubGlobal(
      "fetch",
      answer(
        428,
        JSON.stringify({
          error: {
            code: "confirmation-required",
            message: 'Type "orders" to confirm.',
            retryable: false,
            details: { level: "typed-name" },
          },
        }),
      ),
    );
    const e = await request("DELETE", "/api/profiles/p/key").catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ApiError);
    expect(e).toMatchObject({
      code: "confirmation-required",
      message: 'Type "orders" to confirm.',
      status: 428,
      retryable: false,
      details: { level: "typed-name" },
    });
  });

  it("explains a failure without a JSON body, and an unreachable server", async () => {
    vi.stubGlobal("fetch", answer(500, "<html>oops</html>"));
    await expect(request("GET", "/api/health")).rejects.toMatchObject({
      code: "bad-response",
      status: 500,
    });
    vi.stubGlobal(
      "fetch",
      vi.fn(async () => {
        throw new TypeError("Failed to fetch");
      }),
    );
    await expect(request("GET", "/api/health")).rejects.toMatchObject({
      code: "network",
      status: 0,
      retryable: true,
    });
  });
});
