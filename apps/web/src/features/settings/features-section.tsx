import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useId, useState } from "react";
import type { ApiError } from "../../api/client.ts";
import {
  type FeatureName,
  type FeatureSwitches,
  type FeaturesView,
  featureKeys,
  featuresApi,
  type useFeatures,
} from "../../api/features.ts";
import { FieldError } from "../../ui/field.tsx";
import { loadState } from "../../ui/notices.tsx";

const ORDER: FeatureName[] = ["snapshots", "metrics", "alerts", "retries"];

/**
 * Settings → Features: one switch per V2 feature, saved as soon as it is flipped and in force in
 * the studio at once (no restart).
 */
export function FeaturesSection({ features }: { features: ReturnType<typeof useFeatures> }) {
  const qc = useQueryClient();
  const id = useId();
  /** The switch being saved, shown flipped at once (set in the click itself, not after a render). */
  const [flipping, setFlipping] = useState<Partial<FeatureSwitches>>({});
  const save = useMutation<FeaturesView, ApiError, Partial<FeatureSwitches>>({
    mutationFn: (input) => featuresApi.update(input),
    onSuccess: (v) => {
      qc.setQueryData(featureKeys.all, v);
      // A change made elsewhere meanwhile may have been pushed before this answer: read again.
      void qc.invalidateQueries({ queryKey: featureKeys.all });
    },
    onSettled: () => setFlipping({}),
  });

  const wait = loadState(
    features,
    "Loading the feature switches…",
    "Could not load the feature switches",
  );
  if (wait || !features.data) return wait;
  const v = features.data;
  return (
    <div className="settings-checks">
      <p className="hint">
        Each switch applies at once, in this window and for the command line. With all four off, the
        studio keeps no undo, collects no metrics, evaluates no alerts and tries each operation
        once.
      </p>
      {ORDER.map((name) => {
        const info = v.info[name];
        const held = v.overrides[name];
        const pending = flipping[name];
        // Shown as flipped while it is being saved; the saved value once the studio answers.
        const checked = pending ?? v.saved[name];
        return (
          <div key={name} className="feature-switch">
            <label className="check">
              <input
                type="checkbox"
                checked={checked}
                aria-label={info.label}
                disabled={save.isPending || Object.keys(flipping).length > 0}
                aria-describedby={`${id}-${name}`}
                onChange={(e) => {
                  const change = { [name]: e.target.checked };
                  setFlipping(change);
                  save.mutate(change);
                }}
              />
              <strong>{info.label}</strong>
              <span className="muted small">
                {pending !== undefined ? "saving…" : v.features[name] ? "on" : "off"}
              </span>
            </label>
            <p id={`${id}-${name}`} className="hint">
              Off: {info.off}
            </p>
            {held && <p className="hint hint-prod">{held}</p>}
          </div>
        );
      })}
      {save.isError && <FieldError form>{save.error.message}</FieldError>}
    </div>
  );
}
