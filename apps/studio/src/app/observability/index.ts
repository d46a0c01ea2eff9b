export { AppMetrics } from "./app-metrics.ts";
export { Collector } from "./collector.ts";
export { LiveBus, type LiveMessage } from "./live-bus.ts";
export { AlertNotifier, CommandDesktopNotifier, type DesktopNotifier } from "./notifier.ts";
export {
  type CollectorOptions,
  DASHBOARD_METRICS,
  ObservabilityService,
  type RangeQuery,
  type TimelinePage,
} from "./service.ts";
