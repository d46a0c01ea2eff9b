import { useEffect, useState } from "react";

export type ThemeChoice = "system" | "light" | "dark";
const STORAGE_KEY = "cachify.theme";

export function storedTheme(): ThemeChoice {
  try {
    const v = localStorage.getItem(STORAGE_KEY);
    return v === "light" || v === "dark" ? v : "system";
  } catch {
    return "system";
  }
}

/** Applies the choice as `data-theme` on <html>; "system" removes it so the media query decides. */
export function applyTheme(choice: ThemeChoice): void {
  const root = document.documentElement;
  if (choice === "system") root.removeAttribute("data-theme");
  else root.setAttribute("data-theme", choice);
}

/** Every mounted chooser (the rail's, the Settings screen's) follows a change made in another. */
const themeListeners = new Set<(t: ThemeChoice) => void>();

export function useTheme(): [ThemeChoice, (t: ThemeChoice) => void] {
  const [theme, setLocalTheme] = useState<ThemeChoice>(storedTheme);
  useEffect(() => {
    themeListeners.add(setLocalTheme);
    return () => {
      themeListeners.delete(setLocalTheme);
    };
  }, []);
  const setTheme = (t: ThemeChoice) => {
    for (const l of themeListeners) l(t);
  };
  useEffect(() => {
    applyTheme(theme);
    try {
      if (theme === "system") localStorage.removeItem(STORAGE_KEY);
      else localStorage.setItem(STORAGE_KEY, theme);
    } catch {
      // storage may be unavailable; the choice still applies to this window
    }
  }, [theme]);
  return [theme, setTheme];
}
