import { createServer } from "node:net";

/**
 * Servers get ports below the kernel's ephemeral range (32768+ on Linux). A port in that range can
 * be picked as the *source* port of a client's reconnect to it while the server is down, and the
 * socket then connects to itself (TCP simultaneous open) and reads its own commands as replies.
 */
const LOW = 20_000;
const HIGH = 32_000;
const handedOut = new Set<number>();

function canBind(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.unref();
    srv.once("error", () => resolve(false));
    srv.listen(port, "127.0.0.1", () => srv.close(() => resolve(true)));
  });
}

/** A port free on 127.0.0.1 right now, outside the ephemeral range, not handed out before. */
export async function freePort(): Promise<number> {
  const span = HIGH - LOW;
  for (let i = 0; i < 200; i++) {
    const port = LOW + Math.floor(Math.random() * span);
    if (handedOut.has(port)) continue;
    if (await canBind(port)) {
      handedOut.add(port);
      return port;
    }
  }
  throw new Error(`no free port found between ${LOW} and ${HIGH}`);
}

/** Waits until `probe` resolves true, polling; fails with `what` after `timeoutMs`. */
export async function waitFor(
  probe: () => Promise<boolean> | boolean,
  what: string,
  timeoutMs = 10_000,
  intervalMs = 50,
): Promise<void> {
  const end = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < end) {
    try {
      if (await probe()) return;
    } catch (e) {
      lastError = e;
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(
    `timed out after ${timeoutMs} ms waiting for ${what}${lastError ? `: ${lastError}` : ""}`,
  );
}
