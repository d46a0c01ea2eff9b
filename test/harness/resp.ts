import { connect, type Socket } from "node:net";

/** Sends one command over RESP and returns the raw reply text (harness probes only). */
export function rawCommand(port: number, args: string[], timeoutMs = 2000): Promise<string> {
  return new Promise((resolve, reject) => {
    const sock = connect({ host: "127.0.0.1", port });
    let buf = "";
    const timer = setTimeout(() => {
      sock.destroy();
      reject(new Error(`no reply from 127.0.0.1:${port} within ${timeoutMs} ms`));
    }, timeoutMs);
    sock.on("connect", () => {
      sock.write(
        `*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join("")}`,
      );
    });
    sock.on("data", (d) => {
      buf += d.toString();
      if (complete(buf)) {
        clearTimeout(timer);
        sock.end();
        resolve(buf);
      }
    });
    sock.on("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}

function complete(buf: string): boolean {
  if (!buf.endsWith("\r\n")) return false;
  if (buf[0] !== "$") return true;
  const len = Number(buf.slice(1, buf.indexOf("\r\n")));
  return len < 0 || buf.length >= buf.indexOf("\r\n") + 2 + len + 2;
}

/** Sends a memcached text command and returns the reply up to `until`. */
export function memcachedCommand(
  port: number,
  line: string,
  until = "\r\n",
  timeoutMs = 2000,
): Promise<string> {
  return memcachedExchange(connect({ host: "127.0.0.1", port }), "connect", line, until, {
    timeoutMs,
    what: `memcached 127.0.0.1:${port}`,
  });
}

/**
 * One command on an opened socket (plain or TLS): written once `ready` fires, the reply read
 * up to `until`, the socket closed.
 */
export function memcachedExchange(
  sock: Socket,
  ready: "connect" | "secureConnect",
  line: string,
  until: string,
  o: { timeoutMs: number; what: string },
): Promise<string> {
  return new Promise((resolve, reject) => {
    let buf = "";
    const timer = setTimeout(() => {
      sock.destroy();
      reject(new Error(`no reply from ${o.what} within ${o.timeoutMs} ms`));
    }, o.timeoutMs);
    sock.on(ready, () => sock.write(`${line}\r\n`));
    sock.on("data", (d) => {
      buf += d.toString("latin1");
      if (buf.endsWith(until)) {
        clearTimeout(timer);
        sock.end();
        resolve(buf);
      }
    });
    sock.on("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}
