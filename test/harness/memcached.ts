import { connect as tlsConnect } from "node:tls";
import { requireBinary } from "./binaries.ts";
import { freePort, waitFor } from "./ports.ts";
import { ManagedProcess } from "./process.ts";
import { memcachedCommand, memcachedExchange } from "./resp.ts";
import { makeCertificates, type TestCertificates } from "./tls.ts";

export interface MemcachedServer {
  host: string;
  port: number;
  url: string;
  process: ManagedProcess;
  /** With `tls`: the test PKI the server's certificate comes from (ca.crt signed it). */
  certs?: TestCertificates;
  /** One text-protocol command straight to the server; reads until `until`. */
  command(line: string, until?: string): Promise<string>;
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export interface MemcachedOptions {
  /** Extra flags, e.g. ["-X"] to disable lru_crawler metadump. */
  args?: string[];
  memoryMb?: number;
  /**
   * memcached's own TLS (-Z) on its only port, with a fresh test PKI in its temp folder (the same
   * as startTlsRedis). `clientCerts: "require"` demands a client certificate signed by the CA
   * (ssl_verify_mode=2); default "none".
   */
  tls?: {
    clientCerts?: "none" | "require";
    /** Another server's PKI (a pool whose servers share one CA); default: a fresh one. */
    certs?: TestCertificates;
  };
}

/** One memcached command over TLS (the harness trusts the CA and shows the client certificate). */
export function memcachedTlsCommand(
  port: number,
  certs: TestCertificates,
  line: string,
  until = "\r\n",
  timeoutMs = 2000,
): Promise<string> {
  const sock = tlsConnect({
    host: "127.0.0.1",
    port,
    ca: certs.caPem,
    cert: certs.clientCertPem,
    key: certs.clientKeyPem,
  });
  return memcachedExchange(sock, "secureConnect", line, until, {
    timeoutMs,
    what: `memcached (TLS) 127.0.0.1:${port}`,
  });
}

export async function startMemcached(options: MemcachedOptions = {}): Promise<MemcachedServer> {
  const bin = requireBinary("memcached");
  const port = await freePort();
  const args = [
    "-l",
    "127.0.0.1",
    "-p",
    String(port),
    "-U",
    "0",
    "-m",
    String(options.memoryMb ?? 256),
    "-t",
    "2",
    ...(process.getuid?.() === 0 ? ["-u", "root"] : []),
    ...(options.args ?? []),
  ];
  if (options.tls) {
    // The files are named relative to the process's folder (its cwd), made before it starts.
    const verify = options.tls.clientCerts === "require" ? "2" : "0";
    const shared = options.tls.certs;
    const [cert, key, ca] = shared
      ? [shared.serverCertFile, shared.serverKeyFile, shared.caFile]
      : ["server.crt", "server.key", "ca.crt"];
    args.push(
      "-Z",
      "-o",
      `ssl_chain_cert=${cert},ssl_key=${key},ssl_ca_cert=${ca},ssl_verify_mode=${verify}`,
    );
  }
  const proc = new ManagedProcess(options.tls ? "memcached-tls" : "memcached", bin, args);
  let certs: TestCertificates | undefined;
  if (options.tls?.certs) certs = options.tls.certs;
  else if (options.tls) {
    try {
      certs = makeCertificates(proc.dir);
    } catch (e) {
      await proc.stop();
      throw e;
    }
  }
  const command = (line: string, until?: string, timeoutMs?: number) =>
    certs
      ? memcachedTlsCommand(port, certs, line, until, timeoutMs)
      : memcachedCommand(port, line, until, timeoutMs);
  const ready = () =>
    waitFor(
      async () => {
        if (!proc.alive) throw new Error(`memcached exited: ${proc.recentOutput()}`);
        return (await command("version", "\r\n", 500)).startsWith("VERSION");
      },
      `memcached${certs ? " (TLS)" : ""} on port ${port}`,
    );
  proc.start();
  try {
    await ready();
  } catch (e) {
    await proc.stop();
    throw e;
  }
  return {
    host: "127.0.0.1",
    port,
    url: `memcached://127.0.0.1:${port}`,
    process: proc,
    ...(certs ? { certs } : {}),
    command: (line, until) => command(line, until),
    async restart() {
      await proc.kill("SIGKILL");
      proc.start();
      await ready();
    },
    stop: () => proc.stop(),
  };
}
