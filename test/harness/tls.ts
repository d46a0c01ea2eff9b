import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { requireBinary } from "./binaries.ts";
import { freePort, waitFor } from "./ports.ts";
import { ManagedProcess } from "./process.ts";
import { redisArgs } from "./redis.ts";
import { type RespTarget, type RespValue, respCommand } from "./resp2.ts";

/** A test PKI: one CA that signs a server and a client certificate, plus an unrelated CA. */
export interface TestCertificates {
  dir: string;
  caFile: string;
  caPem: string;
  serverCertFile: string;
  serverKeyFile: string;
  clientCertFile: string;
  clientKeyFile: string;
  clientCertPem: string;
  clientKeyPem: string;
  /** A CA that signed nothing here: trusting only it must fail verification. */
  otherCaFile: string;
  otherCaPem: string;
  /** The names the server certificate is valid for. */
  serverNames: string[];
}

function openssl(bin: string, dir: string, args: string[]): void {
  const r = spawnSync(bin, args, { cwd: dir, encoding: "utf8" });
  if (r.status !== 0) {
    throw new Error(`openssl ${args.join(" ")} failed (${r.status}): ${r.stderr || r.stdout}`);
  }
}

/**
 * Generates the PKI with the system's openssl (EC P-256 keys: fast). Certificates are valid for
 * two days; the server's carries SAN IP:127.0.0.1 and DNS:localhost.
 */
export function makeCertificates(dir: string): TestCertificates {
  const bin = requireBinary("openssl");
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
  const ca = (name: string, cn: string) =>
    openssl(bin, dir, [
      "req",
      "-x509",
      ...ec,
      "-keyout",
      `${name}.key`,
      "-out",
      `${name}.crt`,
      "-days",
      "2",
      "-subj",
      `/CN=${cn}`,
      "-addext",
      "basicConstraints=critical,CA:TRUE",
      "-addext",
      "keyUsage=critical,keyCertSign,cRLSign",
    ]);
  const leaf = (name: string, cn: string, ext: string[]) => {
    writeFileSync(join(dir, `${name}.ext`), `${ext.join("\n")}\n`);
    openssl(bin, dir, [
      "req",
      "-new",
      ...ec,
      "-keyout",
      `${name}.key`,
      "-out",
      `${name}.csr`,
      "-subj",
      `/CN=${cn}`,
    ]);
    openssl(bin, dir, [
      "x509",
      "-req",
      "-in",
      `${name}.csr`,
      "-CA",
      "ca.crt",
      "-CAkey",
      "ca.key",
      "-CAcreateserial",
      "-out",
      `${name}.crt`,
      "-days",
      "2",
      "-sha256",
      "-extfile",
      `${name}.ext`,
    ]);
  };
  ca("ca", "Cachify Test CA");
  ca("other-ca", "Unrelated Test CA");
  leaf("server", "127.0.0.1", [
    "basicConstraints=CA:FALSE",
    "keyUsage=critical,digitalSignature,keyEncipherment",
    "extendedKeyUsage=serverAuth",
    "subjectAltName=IP:127.0.0.1,DNS:localhost",
  ]);
  leaf("client", "cachify-test-client", [
    "basicConstraints=CA:FALSE",
    "keyUsage=critical,digitalSignature,keyEncipherment",
    "extendedKeyUsage=clientAuth",
  ]);
  const file = (n: string) => join(dir, n);
  const read = (n: string) => readFileSync(file(n), "utf8");
  return {
    dir,
    caFile: file("ca.crt"),
    caPem: read("ca.crt"),
    serverCertFile: file("server.crt"),
    serverKeyFile: file("server.key"),
    clientCertFile: file("client.crt"),
    clientKeyFile: file("client.key"),
    clientCertPem: read("client.crt"),
    clientKeyPem: read("client.key"),
    otherCaFile: file("other-ca.crt"),
    otherCaPem: read("other-ca.crt"),
    serverNames: ["127.0.0.1", "localhost"],
  };
}

export interface TlsRedisServer {
  host: string;
  port: number;
  /** rediss://127.0.0.1:PORT (TLS only: the plain port is off). */
  url: string;
  certs: TestCertificates;
  process: ManagedProcess;
  /** How the harness reaches it: TLS with the CA and the client certificate. */
  target: RespTarget;
  command(...args: string[]): Promise<RespValue>;
  stop(): Promise<void>;
}

export interface TlsRedisOptions {
  /** tls-auth-clients: "yes" demands a client certificate; default "optional". */
  authClients?: "yes" | "optional" | "no";
  args?: string[];
}

/** A redis-server that speaks only TLS (--port 0), with a fresh test PKI in its temp folder. */
export async function startTlsRedis(options: TlsRedisOptions = {}): Promise<TlsRedisServer> {
  const bin = requireBinary("redis-server");
  const port = await freePort();
  // The folder exists before the process starts; the files are named relative to it.
  const proc = new ManagedProcess(
    "redis-tls",
    bin,
    redisArgs(0, [
      "--tls-port",
      String(port),
      "--tls-cert-file",
      "server.crt",
      "--tls-key-file",
      "server.key",
      "--tls-ca-cert-file",
      "ca.crt",
      "--tls-auth-clients",
      options.authClients ?? "optional",
      ...(options.args ?? []),
    ]),
  );
  let certs: TestCertificates;
  try {
    certs = makeCertificates(proc.dir);
  } catch (e) {
    await proc.stop();
    throw e;
  }
  const target: RespTarget = {
    port,
    tls: { ca: certs.caPem, cert: certs.clientCertPem, key: certs.clientKeyPem },
  };
  proc.start();
  try {
    await waitFor(async () => {
      if (!proc.alive) throw new Error(`redis-server (TLS) exited: ${proc.recentOutput()}`);
      return (await respCommand(target, "PING")) === "PONG";
    }, `redis-server with TLS on port ${port}`);
  } catch (e) {
    await proc.stop();
    throw e;
  }
  return {
    host: "127.0.0.1",
    port,
    url: `rediss://127.0.0.1:${port}`,
    certs,
    process: proc,
    target,
    command: (...args) => respCommand(target, ...args),
    stop: () => proc.stop(),
  };
}

/**
 * Creates (or resets) an ACL user allowed everything by default; `rules` narrows it, e.g.
 * ["~app:*", "+@read"]. Works on any server the harness can reach (plain or TLS).
 */
export async function addAclUser(
  target: RespTarget,
  username: string,
  password: string,
  rules: string[] = ["~*", "&*", "+@all"],
): Promise<void> {
  const r = await respCommand(
    target,
    "ACL",
    "SETUSER",
    username,
    "reset",
    "on",
    `>${password}`,
    ...rules,
  );
  if (r !== "OK") throw new Error(`ACL SETUSER ${username} answered ${JSON.stringify(r)}`);
}
