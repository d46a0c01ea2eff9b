import { useQueryClient } from "@tanstack/react-query";
import { createContext, type ReactNode, useContext, useEffect, useState } from "react";
import { addLiveEvent } from "./hooks.ts";
import { publishLive } from "./live-bus.ts";
import { socketProtocols } from "./session.ts";
import type { HistoryEvent, LiveMessage } from "./types.ts";

export type LiveStatus = "connecting" | "live" | "offline";

const LiveContext = createContext<LiveStatus>("connecting");

export function useLiveStatus(): LiveStatus {
  return useContext(LiveContext);
}

function isHistoryMessage(m: LiveMessage): m is { type: "history"; event: HistoryEvent } {
  return m.type === "history" && typeof (m as { event?: unknown }).event === "object";
}

/**
 * One WebSocket to /api/ws for the whole window (the session token rides as a subprotocol:
 * a browser cannot set headers on a WebSocket). Pushed history events go straight into the query cache; after a reconnect the history
 * lists are refetched because events may have been missed meanwhile.
 */
export function LiveUpdates({ children }: { children: ReactNode }) {
  const qc = useQueryClient();
  const [status, setStatus] = useState<LiveStatus>("connecting");

  useEffect(() => {
    let socket: WebSocket | undefined;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let attempt = 0;
    let stopped = false;

    const connect = () => {
      const scheme = location.protocol === "https:" ? "wss" : "ws";
      socket = new WebSocket(`${scheme}://${location.host}/api/ws`, socketProtocols());
      socket.onopen = () => {
        if (attempt > 0) void qc.invalidateQueries({ queryKey: ["history"] });
        attempt = 0;
        setStatus("live");
      };
      socket.onmessage = (msg) => {
        if (typeof msg.data !== "string") return;
        let parsed: LiveMessage;
        try {
          parsed = JSON.parse(msg.data) as LiveMessage;
        } catch {
          return;
        }
        if (isHistoryMessage(parsed)) addLiveEvent(qc, parsed.event);
        publishLive(parsed);
      };
      socket.onclose = () => {
        socket = undefined;
        if (stopped) return;
        setStatus("offline");
        attempt += 1;
        timer = setTimeout(connect, Math.min(10_000, 500 * 2 ** Math.min(attempt, 5)));
      };
    };
    connect();

    return () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      socket?.close();
    };
  }, [qc]);

  return <LiveContext.Provider value={status}>{children}</LiveContext.Provider>;
}
