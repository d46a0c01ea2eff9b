import { type RefObject, useEffect, useRef } from "react";

/**
 * A `<dialog>` shown as a modal for as long as the component is mounted: opened on mount (then
 * `focus` picks what gets the focus), closed on unmount.
 */
export function useModal<T extends HTMLElement = HTMLElement>(
  focus?: (dialog: HTMLDialogElement) => T | null | undefined,
): RefObject<HTMLDialogElement | null> {
  const ref = useRef<HTMLDialogElement>(null);
  const focusRef = useRef(focus);
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (!d.open) d.showModal();
    focusRef.current?.(d)?.focus();
    return () => {
      if (d.open) d.close();
    };
  }, []);
  return ref;
}
