import type { ReactNode } from "react";

/** Small inline icons drawn for this app (currentColor). Decorative unless given a label. */

interface IconProps {
  label?: string | undefined;
  size?: number;
}

function Icon({
  label,
  size = 14,
  viewBox,
  children,
}: IconProps & { viewBox: string; children: ReactNode }) {
  const a11y = label ? { role: "img", "aria-label": label } : { "aria-hidden": true as const };
  return (
    // biome-ignore lint/a11y/noSvgWithoutTitle: named by aria-label (role img) or hidden
    <svg {...a11y} width={size} height={size} viewBox={viewBox} fill="none" className="icon">
      {children}
    </svg>
  );
}

export function LockIcon(props: IconProps) {
  return (
    <Icon {...props} viewBox="0 0 16 16">
      <rect x="3" y="7" width="10" height="7" rx="1.5" fill="currentColor" />
      <path d="M5.5 7V5a2.5 2.5 0 0 1 5 0v2" stroke="currentColor" strokeWidth="1.6" />
    </Icon>
  );
}

export function PlusIcon(props: IconProps) {
  return (
    <Icon {...props} viewBox="0 0 16 16">
      <path d="M8 3v10M3 8h10" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round" />
    </Icon>
  );
}

export function DatabaseIcon(props: IconProps) {
  return (
    <Icon {...props} viewBox="0 0 24 24">
      <ellipse cx="12" cy="5.5" rx="7.5" ry="2.8" stroke="currentColor" strokeWidth="1.5" />
      <path
        d="M4.5 5.5v6.5c0 1.5 3.4 2.8 7.5 2.8s7.5-1.3 7.5-2.8V5.5M4.5 12v6.5c0 1.5 3.4 2.8 7.5 2.8s7.5-1.3 7.5-2.8V12"
        stroke="currentColor"
        strokeWidth="1.5"
      />
    </Icon>
  );
}

export function WarningIcon(props: IconProps) {
  return (
    <Icon {...props} viewBox="0 0 16 16">
      <path d="M8 2 15 14H1L8 2Z" fill="currentColor" />
      <path d="M8 6.5v3.5M8 11.6v.4" stroke="var(--bg)" strokeWidth="1.6" strokeLinecap="round" />
    </Icon>
  );
}
