import { describe, expect, it } from "vitest";
import { formatBytes, formatDuration, formatTtl } from "./format.ts";
import { parseHash, routeHref } from "./route.ts";

describe("formatting", () => {
  it("shows TTLs the way Redis means them", () => {
    expect(formatTtl(-1)).toBe("no expiry");
    expect(formatTtl(-2)).toBe("missing");
    expect(formatTtl(0)).toBe("0s");
    expect(formatTtl(59)).toBe("59s");
    expect(formatTtl(60)).toBe("1m");
    expect(formatTtl(3599)).toBe("59m 59s");
    expect(formatTtl(3600)).toBe("1h");
    expect(formatTtl(7380)).toBe("2h 3m");
    expect(formatTtl(86_400 * 3 + 7200)).toBe("3d 2h");
  });

  it("shows sizes and durations compactly", () => {
    expect(formatBytes(512)).toBe("512 B");
    expect(formatBytes(2048)).toBe("2.0 KiB");
    expect(formatDuration(undefined)).toBe("");
    expect(formatDuration(0.2)).toBe("<1 ms");
    expect(formatDuration(1234.4)).toBe("1,234 ms");
    expect(formatDuration(12_500)).toBe("12.5 s");
  });
});

describe("hash routes", () => {
  it("round-trips a connection and tab, ids escaped", () => {
    const href = routeHref({ profileId: "p/1 x", tab: "history" });
    expect(parseHash(href)).toEqual({ profileId: "p/1 x", tab: "history" });
  });

  it("falls back to the browser tab and to no connection", () => {
    expect(parseHash("#/c/abc/bogus")).toEqual({ profileId: "abc", tab: "browser" });
    expect(parseHash("")).toEqual({ tab: "browser" });
    expect(routeHref({ tab: "browser" })).toBe("#/");
  });
});
