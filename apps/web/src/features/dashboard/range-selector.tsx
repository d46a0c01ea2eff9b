import { useState } from "react";
import { RANGE_LABEL, RANGES, type RangeName } from "../../api/observability.ts";
import { Segmented } from "../../ui/segmented.tsx";

const RANGE_KEY = "cachify.dashboard.range";

function storedRange(): RangeName {
  try {
    const v = localStorage.getItem(RANGE_KEY);
    return RANGES.includes(v as RangeName) ? (v as RangeName) : "1h";
  } catch {
    return "1h";
  }
}

/** The shared time range of every chart, the heatmap, the slow panel and the timeline. */
export function useRange(): [RangeName, (r: RangeName) => void] {
  const [range, setRange] = useState<RangeName>(storedRange);
  return [
    range,
    (r) => {
      setRange(r);
      try {
        localStorage.setItem(RANGE_KEY, r);
      } catch {
        // no storage: the choice holds for this window
      }
    },
  ];
}

export function RangeSelector({
  value,
  onChange,
}: {
  value: RangeName;
  onChange: (r: RangeName) => void;
}) {
  return (
    <Segmented
      className="segmented range-selector"
      legend="Time range"
      value={value}
      options={RANGES.map((r) => [
        r,
        r,
        { title: `The last ${RANGE_LABEL[r]}`, inputLabel: `Last ${RANGE_LABEL[r]}` },
      ])}
      onChange={onChange}
    />
  );
}
