import { displayKey, type KeyBytes } from "../common/keys.ts";

/**
 * Redaction rules (docs/design/safety.md#redaction): names of keys matching a sensitive pattern are
 * never stored or shown in clear in records that persist or leave as notifications (history events,
 * the timeline, engine events, workflow records). The adapter answers the display form of such a
 * key (the pattern's literal prefix and a keyed hash, e.g. `session:‹h:3fa9c1d2›`), or undefined
 * when the key is not sensitive. The key browser and the editors keep real names.
 */
export interface KeyRedactor {
  redact(key: KeyBytes): string | undefined;
}

/** A key as an audit record shows it: redacted when sensitive, else redis-cli style. */
export function auditKey(key: KeyBytes, redactor?: KeyRedactor): string {
  return redactor?.redact(key) ?? displayKey(key);
}

/**
 * A message for a record with the display names of the sensitive keys among `keys` replaced by
 * their redacted forms (errors name the key they met: "session:42 does not exist"). Longer names
 * first, so a key that is a prefix of another cannot leave part of the longer one in clear.
 */
export function redactKeysInText(
  text: string,
  keys: Iterable<KeyBytes>,
  redactor?: KeyRedactor,
): string {
  if (!redactor || text === "") return text;
  const swaps = new Map<string, string>();
  for (const key of keys) {
    const hidden = redactor.redact(key);
    if (hidden === undefined) continue;
    const shown = displayKey(key);
    if (shown !== "" && text.includes(shown)) swaps.set(shown, hidden);
  }
  if (swaps.size === 0) return text;
  // One pass, so a redacted form is never searched again.
  const names = [...swaps.keys()].sort((a, b) => b.length - a.length);
  const any = new RegExp(names.map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|"), "g");
  return text.replace(any, (m) => swaps.get(m) ?? m);
}
