import { FEATURE_INFO, FEATURE_NAMES, type FeatureName, type FeatureSwitches } from "@cachify/core";

/** Where the switches are kept (the store's features record). */
export interface FeatureStore {
  get(): FeatureSwitches;
  update(input: unknown): FeatureSwitches;
}

/** What the Settings screen, `GET /api/settings/features` and `cachify settings show` present. */
export interface FeaturesView {
  /** The switches in force in this process (the saved ones, with overrides applied). */
  features: FeatureSwitches;
  /** The switches as saved in the data folder (what the screen and `settings set` change). */
  saved: FeatureSwitches;
  /** Switches held off for this process by an environment variable, with the reason. */
  overrides: Partial<Record<FeatureName, string>>;
  /** Each switch's name and what turning it off means. */
  info: typeof FEATURE_INFO;
  /** The data folder these settings (and everything else) are kept in. */
  dataDir: string;
}

type Listener = (now: FeatureSwitches, before: FeatureSwitches) => void;

/**
 * The V2 feature switches for the running app. The gate and the collector ask `current()` at run
 * time, so a change applies without a restart: from this process at once, from another one (the
 * CLI beside a running studio) within `maxAgeMs`, when the saved record is read again. Listeners
 * hear of every change in force (the collector starts or stops on the metrics switch).
 */
export class FeatureService {
  private inForce: FeatureSwitches;
  private stored: FeatureSwitches;
  private readAt: number;
  private readonly overrides: Partial<Record<FeatureName, string>> = {};
  private readonly listeners = new Set<Listener>();

  constructor(
    private readonly store: FeatureStore,
    private readonly dataDir: string,
    env: NodeJS.ProcessEnv = process.env,
    private readonly maxAgeMs = 1000,
    private readonly clock: () => number = Date.now,
  ) {
    if (env.CACHIFY_SNAPSHOTS === "off")
      this.overrides.snapshots =
        "CACHIFY_SNAPSHOTS=off is set for this process: snapshots stay off whatever the setting says (unset it and restart to use the setting).";
    this.stored = store.get();
    this.inForce = this.apply(this.stored);
    this.readAt = this.clock();
  }

  /** The switches in force now (re-read from the store when the last read is older than maxAgeMs). */
  current(): FeatureSwitches {
    if (this.clock() - this.readAt >= this.maxAgeMs) this.refresh();
    return this.inForce;
  }

  enabled(name: FeatureName): boolean {
    return this.current()[name];
  }

  view(): FeaturesView {
    const features = this.current();
    return {
      features: { ...features },
      saved: { ...this.stored },
      overrides: { ...this.overrides },
      info: FEATURE_INFO,
      dataDir: this.dataDir,
    };
  }

  /** Checks and saves a change of switches; it is in force when this returns. */
  update(input: unknown): FeaturesView {
    this.store.update(input);
    this.refresh();
    return this.view();
  }

  /** Why snapshots are off, naming what turned them off (undefined when they are on). */
  snapshotsOffReason(): string | undefined {
    if (this.current().snapshots) return undefined;
    return this.overrides.snapshots
      ? 'CACHIFY_SNAPSHOTS=off is set for this process, which holds the "snapshots" setting off'
      : 'the "snapshots" setting is off: turn it on in Settings → Features or with cachify settings set snapshots on';
  }

  onChange(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Reads the saved switches again; tells the listeners when what is in force changed. */
  refresh(): void {
    this.readAt = this.clock();
    let stored: FeatureSwitches;
    try {
      stored = this.store.get();
    } catch {
      return; // the store is closing or busy: keep what is in force
    }
    this.stored = stored;
    const next = this.apply(stored);
    const before = this.inForce;
    if (FEATURE_NAMES.every((n) => next[n] === before[n])) return;
    this.inForce = next;
    for (const l of this.listeners) {
      try {
        l(next, before);
      } catch (e) {
        console.error(`cachify: applying the feature switches: ${(e as Error).message}`);
      }
    }
  }

  private apply(stored: FeatureSwitches): FeatureSwitches {
    const next = { ...stored };
    for (const name of Object.keys(this.overrides) as FeatureName[]) next[name] = false;
    return next;
  }
}
