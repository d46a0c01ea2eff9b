/**
 * Focus handling for every modal <dialog> of the window, in one place:
 * - Tab and Shift+Tab cycle inside the top open dialog (a native modal dialog lets focus leave
 *   for the browser's own controls at either end);
 * - when the last open dialog closes (or is unmounted) and focus fell to the page itself, it
 *   goes back to the control that had it before the dialog opened, if that is still there.
 * Dialogs that move focus on purpose when they close (the command palette to a new screen's
 * heading) are not overridden: only a focus left on <body> is restored.
 */

const FOCUSABLE = [
  "a[href]",
  "button:not([disabled])",
  "input:not([disabled]):not([type=hidden])",
  "select:not([disabled])",
  "textarea:not([disabled])",
  "summary",
  "[tabindex]:not([tabindex='-1'])",
].join(",");

function topDialog(): HTMLDialogElement | null {
  const open = document.querySelectorAll<HTMLDialogElement>("dialog[open]");
  return open.length > 0 ? open[open.length - 1]! : null;
}

function focusables(root: HTMLElement): HTMLElement[] {
  return [...root.querySelectorAll<HTMLElement>(FOCUSABLE)].filter(
    (el) => el.getClientRects().length > 0 && !el.closest("[hidden], [inert]"),
  );
}

export function installDialogFocus(): () => void {
  let before: HTMLElement | null = null;
  let wasOpen = topDialog() !== null;

  const onFocusIn = (e: FocusEvent) => {
    const t = e.target as HTMLElement | null;
    if (t && t !== document.body && !t.closest("dialog[open]")) before = t;
  };

  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key !== "Tab" || e.defaultPrevented || e.ctrlKey || e.altKey || e.metaKey) return;
    const dialog = topDialog();
    if (!dialog) return;
    const list = focusables(dialog);
    if (list.length === 0) {
      e.preventDefault();
      return;
    }
    const first = list[0]!;
    const last = list[list.length - 1]!;
    const active = document.activeElement as HTMLElement | null;
    const inside = active !== null && dialog.contains(active);
    if (e.shiftKey && (!inside || active === first || active === dialog)) {
      e.preventDefault();
      last.focus();
    } else if (!e.shiftKey && (!inside || active === last)) {
      e.preventDefault();
      first.focus();
    }
  };

  const check = () => {
    const open = topDialog() !== null;
    if (wasOpen && !open) {
      const target = before;
      requestAnimationFrame(() => {
        const active = document.activeElement;
        const lost = active === null || active === document.body;
        if (lost && target?.isConnected && topDialog() === null) target.focus();
      });
    }
    wasOpen = open;
  };
  const observer = new MutationObserver(check);
  observer.observe(document.body, {
    subtree: true,
    childList: true,
    attributes: true,
    attributeFilter: ["open"],
  });

  document.addEventListener("focusin", onFocusIn, true);
  document.addEventListener("keydown", onKeyDown, true);
  return () => {
    observer.disconnect();
    document.removeEventListener("focusin", onFocusIn, true);
    document.removeEventListener("keydown", onKeyDown, true);
  };
}
