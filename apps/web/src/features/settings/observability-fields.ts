/** The observability form's number fields (the notification switches have no error of their own). */
export type NumField =
  | "pollIntervalMs"
  | "eventsIntervalMs"
  | "metricsRetentionDays"
  | "timelineRetentionDays"
  | "slowPingMs"
  | "memoryRatio"
  | "connectionsRatio";

/**
 * The server's param (`details.param`, core's mergeSettings and the body schema) → the field it
 * is shown on: the health thresholds are nested in the request, flat in this form. A param not
 * listed (a notification switch) shows for the whole form.
 */
export const FIELD_OF_PARAM: Readonly<Record<string, NumField>> = {
  pollIntervalMs: "pollIntervalMs",
  eventsIntervalMs: "eventsIntervalMs",
  metricsRetentionDays: "metricsRetentionDays",
  timelineRetentionDays: "timelineRetentionDays",
  "health.slowPingMs": "slowPingMs",
  "health.memoryRatio": "memoryRatio",
  "health.connectionsRatio": "connectionsRatio",
};

/** The field a server error is about: the one its param maps to, else the whole form. */
export function fieldOf(param: string | undefined): NumField | "form" {
  return (param !== undefined && FIELD_OF_PARAM[param]) || "form";
}
