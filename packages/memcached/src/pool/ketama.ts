import { createHash } from "node:crypto";

export interface KetamaServer {
  host: string;
  port: number;
  /** Relative weight; 1 when absent. */
  weight?: number;
}

interface Point {
  value: number;
  server: number;
}

/** Points per server at weight 1 in a pool of equal weights (libketama's figure). */
const POINTS_PER_SERVER = 160;
/** Each MD5 digest of a server label gives four 32-bit points. */
const POINTS_PER_DIGEST = 4;
const DEFAULT_PORT = 11211;

/**
 * Ketama consistent hashing, laid out to match libmemcached's weighted ketama
 * (MEMCACHED_BEHAVIOR_KETAMA_WEIGHTED, which php-memcached's libketama-compatible option turns
 * on; it is also the original libketama scheme). The scheme:
 *
 * 1. Each server gets `floor(weight / totalWeight * 160 / 4 * serverCount) * 4` points on a
 *    32-bit circle: 160 when all weights are equal. The arithmetic is done in 32-bit floats (as
 *    the C code does), so the counts agree exactly for unequal weights too.
 * 2. The points come from MD5 digests of the label `host:port-N` for N = 0, 1, 2, ...; the port
 *    is left out (`host-N`) when it is 11211, as libmemcached does. Each 16-byte digest is read as
 *    four little-endian unsigned 32-bit numbers: four points per digest.
 * 3. A key hashes to the first four bytes of MD5(key), little-endian; it belongs to the server of
 *    the first point at or after that number, wrapping to the lowest point past the top.
 *
 * Checked against libmemcached 1.1.4 (KETAMA_WEIGHTED) key for key: see ketama.test.ts. Not the
 * same as libmemcached's unweighted MEMCACHED_BEHAVIOR_KETAMA (100 points per server, one per
 * digest, and by default not MD5 for the key), nor as libmemcached's default modula distribution.
 *
 * The host is used exactly as written in the profile: "localhost" and "127.0.0.1" are different
 * labels, so write servers the way the applications do. Points with equal values (rare) sort in
 * server order; libmemcached leaves their order to qsort.
 */
export class KetamaRing {
  private readonly points: Point[];

  constructor(servers: readonly KetamaServer[]) {
    if (servers.length === 0) throw new Error("a ketama ring needs at least one server");
    const weights = servers.map((s) => s.weight ?? 1);
    const total = weights.reduce((a, b) => a + b, 0);
    const points: Point[] = [];
    servers.forEach((s, server) => {
      const digests = pointsFor(weights[server]!, total, servers.length) / POINTS_PER_DIGEST;
      for (let n = 0; n < digests; n++) {
        const label = s.port === DEFAULT_PORT ? `${s.host}-${n}` : `${s.host}:${s.port}-${n}`;
        const digest = createHash("md5").update(label, "latin1").digest();
        for (let part = 0; part < POINTS_PER_DIGEST; part++) {
          points.push({ value: digest.readUInt32LE(part * 4), server });
        }
      }
    });
    points.sort((a, b) => a.value - b.value || a.server - b.server);
    this.points = points;
  }

  /** The 32-bit hash of a key on the circle. */
  static hashKey(key: Uint8Array): number {
    return createHash("md5").update(key).digest().readUInt32LE(0);
  }

  /** Index (in the list given to the constructor) of the server that holds `key`. */
  serverIndex(key: Uint8Array): number {
    return this.pointAt(KetamaRing.hashKey(key)).server;
  }

  /** The first point at or after `hash`, wrapping around. */
  pointAt(hash: number): Point {
    let lo = 0;
    let hi = this.points.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.points[mid]!.value < hash) lo = mid + 1;
      else hi = mid;
    }
    return this.points[lo === this.points.length ? 0 : lo]!;
  }

  get size(): number {
    return this.points.length;
  }
}

/** Points for one server, computed in float32 like libmemcached's update_continuum. */
function pointsFor(weight: number, totalWeight: number, servers: number): number {
  const f = Math.fround;
  const pct = f(f(weight) / f(totalWeight));
  const scaled = f(f(f(pct * POINTS_PER_SERVER) / 4) * f(servers));
  return Math.floor(f(scaled + 0.0000000001)) * POINTS_PER_DIGEST;
}
