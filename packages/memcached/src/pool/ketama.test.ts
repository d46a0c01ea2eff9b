import { describe, expect, it } from "vitest";
import { KetamaRing, type KetamaServer } from "./ketama.ts";

const key = (text: string) => new TextEncoder().encode(text);
const at = (servers: KetamaServer[], ring: KetamaRing, k: string) => {
  const s = servers[ring.serverIndex(key(k))]!;
  return `${s.host}:${s.port}`;
};

/**
 * Expected servers were produced with libmemcached 1.1.4 (Debian's libmemcached-dev):
 * MEMCACHED_BEHAVIOR_KETAMA_WEIGHTED on, servers added with memcached_server_add_with_weight,
 * then memcached_generate_hash + memcached_server_instance_by_position for each key.
 */
describe("ketama ring (libmemcached weighted ketama)", () => {
  it("maps keys like libmemcached for two servers on non-default ports", () => {
    const servers = [
      { host: "127.0.0.1", port: 40001 },
      { host: "127.0.0.1", port: 40002 },
    ];
    const ring = new KetamaRing(servers);
    const expected: Record<string, string> = {
      "user:1": "127.0.0.1:40002",
      "user:2": "127.0.0.1:40001",
      "user:3": "127.0.0.1:40001",
      "user:4": "127.0.0.1:40002",
      "user:5": "127.0.0.1:40002",
      "user:6": "127.0.0.1:40001",
      "user:7": "127.0.0.1:40002",
      "user:8": "127.0.0.1:40002",
      "cart:42": "127.0.0.1:40002",
      "café:1": "127.0.0.1:40001",
    };
    for (const [k, server] of Object.entries(expected))
      expect(at(servers, ring, k), k).toBe(server);
    expect(ring.size).toBe(2 * 160);
  });

  it("leaves the port out of the point labels on 11211, as libmemcached does", () => {
    const servers = ["10.0.0.1", "10.0.0.2", "10.0.0.3"].map((host) => ({ host, port: 11211 }));
    const ring = new KetamaRing(servers);
    const expected: Record<string, string> = {
      "user:1": "10.0.0.2:11211",
      "user:2": "10.0.0.3:11211",
      "user:3": "10.0.0.3:11211",
      "user:4": "10.0.0.2:11211",
      "user:8": "10.0.0.2:11211",
      "cart:42": "10.0.0.1:11211",
    };
    for (const [k, server] of Object.entries(expected))
      expect(at(servers, ring, k), k).toBe(server);
  });

  it("weights servers in float32 like libmemcached, and wraps past the last point", () => {
    const weights = [600, 300, 200, 350, 1000, 800, 950, 100];
    const servers = weights.map((weight, i) => ({ host: `10.0.1.${i + 1}`, port: 11211, weight }));
    const ring = new KetamaRing(servers);
    const expected: Record<string, string> = {
      "SVa_]_V41)": "10.0.1.7:11211",
      "30C1*Z*S/_": "10.0.1.2:11211",
      "ERR:EC58G>": "10.0.1.7:11211",
      "P1[Ma3=K1/": "10.0.1.8:11211",
      "[>RZHG97Q9": "10.0.1.6:11211",
      "user:1": "10.0.1.7:11211",
      "user:2": "10.0.1.3:11211",
      "session:abc": "10.0.1.4:11211",
      // Hashes to 0xfffcd1b5, above every point: wraps to the lowest point.
      VDEAAAAA: "10.0.1.3:11211",
    };
    for (const [k, server] of Object.entries(expected))
      expect(at(servers, ring, k), k).toBe(server);
    expect(KetamaRing.hashKey(key("VDEAAAAA"))).toBe(0xfffcd1b5);
    expect(ring.pointAt(0xfffcd1b5)).toBe(ring.pointAt(0));
  });

  it("moves only about 1/n of the keys when a server joins", () => {
    const three = [1, 2, 3].map((i) => ({ host: `10.9.0.${i}`, port: 11211 }));
    const four = [...three, { host: "10.9.0.4", port: 11211 }];
    const a = new KetamaRing(three);
    const b = new KetamaRing(four);
    let moved = 0;
    for (let i = 0; i < 4000; i++) {
      const before = a.serverIndex(key(`k${i}`));
      const after = b.serverIndex(key(`k${i}`));
      if (before !== after) {
        moved++;
        expect(after).toBe(3);
      }
    }
    expect(moved / 4000).toBeGreaterThan(0.15);
    expect(moved / 4000).toBeLessThan(0.35);
  });
});
