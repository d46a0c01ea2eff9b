import type { HostPort, TlsOptions } from "@cachify/core";
import {
  type ConnectionOptions,
  formatAddress,
  MemcachedConnection,
} from "../client/connection.ts";
import { closedError } from "../client/engine-errors.ts";
import { loadTls, type TlsConnectOptions } from "../client/tls.ts";
import { KetamaRing } from "./ketama.ts";

export interface PoolServer {
  host: string;
  port: number;
  /** `host:port`, as shown to the user and recorded in listings. */
  address: string;
}

/**
 * The servers of one profile and one shared connection to each. Memcached servers do not know
 * each other: the client picks the server of a key, here by ketama (see ketama.ts), so Cachify
 * finds keys where the applications that share this pool put them.
 */
export class ServerPool {
  readonly servers: readonly PoolServer[];
  private readonly ring: KetamaRing;
  private readonly connections = new Map<string, MemcachedConnection>();
  private readonly dedicated = new Set<MemcachedConnection>();
  private closed = false;
  /** The profile's TLS settings with their files read (on first use). */
  private tlsLoaded: TlsConnectOptions | undefined;

  constructor(
    nodes: readonly HostPort[],
    private readonly connectTimeoutMs: number,
    /** memcached's own TLS, for every server of the pool; SNI defaults to each server's host. */
    private readonly tls?: TlsOptions,
  ) {
    const seen = new Set<string>();
    const servers: PoolServer[] = [];
    for (const n of nodes) {
      const address = formatAddress(n.host, n.port);
      if (seen.has(address)) continue;
      seen.add(address);
      servers.push({ host: n.host, port: n.port, address });
    }
    if (servers.length === 0) throw new Error("a memcached pool needs at least one server");
    this.servers = servers;
    this.ring = new KetamaRing(servers);
  }

  serverFor(key: Uint8Array): PoolServer {
    return this.servers[this.servers.length === 1 ? 0 : this.ring.serverIndex(key)]!;
  }

  /** The shared connection to a server (opened on first use). */
  connection(server: PoolServer): MemcachedConnection {
    if (this.closed) throw closedError(server.address);
    let c = this.connections.get(server.address);
    if (!c) {
      c = new MemcachedConnection(this.connectionOptions(server));
      this.connections.set(server.address, c);
    }
    return c;
  }

  /**
   * Runs `work` on a connection of its own, closed afterwards: for commands that take the
   * connection over (lru_crawler metadump) so they never hold up the shared one.
   */
  async withDedicated<T>(
    server: PoolServer,
    work: (c: MemcachedConnection) => Promise<T>,
  ): Promise<T> {
    if (this.closed) throw closedError(server.address);
    const c = new MemcachedConnection(this.connectionOptions(server));
    this.dedicated.add(c);
    try {
      return await work(c);
    } finally {
      this.dedicated.delete(c);
      await c.close();
    }
  }

  /**
   * Host, port, timeout and TLS for a connection. TLS files are read once, on the first
   * connection: a file that is missing or not PEM throws bad-input naming the tls.* field.
   */
  private connectionOptions(server: PoolServer): ConnectionOptions {
    const o: ConnectionOptions = {
      host: server.host,
      port: server.port,
      connectTimeoutMs: this.connectTimeoutMs,
    };
    if (this.tls) {
      this.tlsLoaded ??= loadTls(this.tls);
      o.tls = this.tlsLoaded;
    }
    return o;
  }

  /** Groups items by the server of their key, keeping each item's index. */
  groupByServer<T>(
    items: readonly T[],
    keyOf: (item: T) => Uint8Array,
  ): Map<PoolServer, { index: number; item: T }[]> {
    const groups = new Map<PoolServer, { index: number; item: T }[]>();
    items.forEach((item, index) => {
      const server = this.serverFor(keyOf(item));
      let g = groups.get(server);
      if (!g) {
        g = [];
        groups.set(server, g);
      }
      g.push({ index, item });
    });
    return groups;
  }

  /** Closes every connection; pending requests fail, and later use fails too. */
  async close(): Promise<void> {
    this.closed = true;
    const all = [...this.connections.values(), ...this.dedicated];
    this.connections.clear();
    this.dedicated.clear();
    await Promise.all(all.map((c) => c.close()));
  }
}
