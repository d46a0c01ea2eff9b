import { describe, expect, it } from "vitest";
import type { KeyRow } from "../api/types.ts";
import { KeyTree, prefixPattern } from "./key-tree.ts";

const row = (key: string): KeyRow => ({ key, keyBase64: btoa(key), type: "string", ttl: -1 });

describe("namespace tree", () => {
  it("groups keys by delimiter, folders first, counting keys below", () => {
    const rows = ["app:users:2", "app:users:1", "app:config", "top", "app"].map(row);
    const tree = new KeyTree(":");
    tree.addFrom(rows);
    const closed = tree.flatten(new Set());
    expect(closed.map((i) => (i.kind === "folder" ? `${i.folder.name}/` : i.name))).toEqual([
      "app/",
      "app",
      "top",
    ]);
    expect(closed[0]?.kind === "folder" && closed[0].folder.count).toBe(3);
    const open = tree.flatten(new Set(["f:app:", "f:app:users:"]));
    expect(
      open.map((i) => `${i.depth}:${i.kind === "folder" ? `${i.folder.name}/` : i.name}`),
    ).toEqual(["0:app/", "1:users/", "2:1", "2:2", "1:config", "0:app", "0:top"]);
  });

  it("orders numeric names as numbers", () => {
    const tree = new KeyTree(":");
    tree.addFrom(["n:10", "n:2", "n:b", "n:1", "n:a"].map(row));
    const names = tree.flatten(new Set(["f:n:"])).map((i) => (i.kind === "key" ? i.name : "/"));
    expect(names).toEqual(["/", "1", "2", "10", "a", "b"]);
  });

  it("adds only the rows it has not seen, and works without a delimiter", () => {
    const rows = [row("a:1")];
    const tree = new KeyTree(":");
    tree.addFrom(rows);
    rows.push(row("a:2"), row("b"));
    tree.addFrom(rows);
    expect(tree.root.count).toBe(3);
    const flat = new KeyTree("");
    flat.addFrom(rows);
    expect(flat.flatten(new Set()).map((i) => i.kind)).toEqual(["key", "key", "key"]);
  });

  it("escapes glob characters of a folder prefix", () => {
    expect(prefixPattern("a*b[1]:")).toBe("a\\*b\\[1\\]:*");
  });
});
