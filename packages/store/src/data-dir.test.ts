import path from "node:path";
import { describe, expect, it } from "vitest";
import { resolveDataDir } from "./data-dir.ts";

describe("resolveDataDir", () => {
  const home = "/home/ada";

  it("prefers --data-dir over CACHIFY_HOME and the platform folder", () => {
    const env = { CACHIFY_HOME: "/srv/cachify", XDG_CONFIG_HOME: "/xdg" };
    expect(resolveDataDir({ flag: "/data/mine", env, platform: "linux", home })).toBe("/data/mine");
  });

  it("uses CACHIFY_HOME when there is no flag (a blank flag counts as none)", () => {
    const env = { CACHIFY_HOME: "/srv/cachify" };
    expect(resolveDataDir({ env, platform: "linux", home })).toBe("/srv/cachify");
    expect(resolveDataDir({ flag: "  ", env, platform: "darwin", home })).toBe("/srv/cachify");
  });

  it("makes a relative flag absolute and expands a leading ~", () => {
    expect(resolveDataDir({ flag: "rel/dir", env: {}, platform: "linux", home })).toBe(
      path.resolve("rel/dir"),
    );
    expect(resolveDataDir({ env: { CACHIFY_HOME: "~/cachify" }, platform: "linux", home })).toBe(
      "/home/ada/cachify",
    );
  });

  it("Linux: $XDG_CONFIG_HOME/cachify-studio", () => {
    expect(
      resolveDataDir({ env: { XDG_CONFIG_HOME: "/xdg/config" }, platform: "linux", home }),
    ).toBe("/xdg/config/cachify-studio");
  });

  it("Linux: ~/.config/cachify-studio without XDG_CONFIG_HOME, or with a relative one", () => {
    expect(resolveDataDir({ env: {}, platform: "linux", home })).toBe(
      "/home/ada/.config/cachify-studio",
    );
    expect(resolveDataDir({ env: { XDG_CONFIG_HOME: "relative" }, platform: "linux", home })).toBe(
      "/home/ada/.config/cachify-studio",
    );
    expect(resolveDataDir({ env: {}, platform: "freebsd", home })).toBe(
      "/home/ada/.config/cachify-studio",
    );
  });

  it("macOS: ~/Library/Application Support/Cachify Studio", () => {
    const env = { XDG_CONFIG_HOME: "/ignored" };
    expect(resolveDataDir({ env, platform: "darwin", home: "/Users/ada" })).toBe(
      "/Users/ada/Library/Application Support/Cachify Studio",
    );
  });

  it("Windows: %APPDATA%\\Cachify Studio, else the roaming folder under the home", () => {
    const winHome = "C:\\Users\\ada";
    expect(
      resolveDataDir({
        env: { APPDATA: "C:\\Users\\ada\\AppData\\Roaming" },
        platform: "win32",
        home: winHome,
      }),
    ).toBe("C:\\Users\\ada\\AppData\\Roaming\\Cachify Studio");
    expect(resolveDataDir({ env: {}, platform: "win32", home: winHome })).toBe(
      "C:\\Users\\ada\\AppData\\Roaming\\Cachify Studio",
    );
    expect(resolveDataDir({ flag: "D:\\cachify", env: {}, platform: "win32", home: winHome })).toBe(
      "D:\\cachify",
    );
  });

  it("defaults to the running process's environment", () => {
    const saved = process.env.CACHIFY_HOME;
    process.env.CACHIFY_HOME = "/tmp/from-env";
    try {
      expect(resolveDataDir()).toBe(path.resolve("/tmp/from-env"));
    } finally {
      if (saved === undefined) delete process.env.CACHIFY_HOME;
      else process.env.CACHIFY_HOME = saved;
    }
  });
});
