/**
 * A connection URL as text that may be shown: `redis://user:****@host:port`. Everything between
 * the user's colon and the last "@" is masked, so a password holding "@" or "/" (or a URL too
 * broken to parse) never shows any of its characters. User info without a colon is masked whole:
 * redis-cli reads `redis://secret@host` as a password.
 */
export function redactUrl(url: string): string {
  const s = url.trim();
  const scheme = s.indexOf("://");
  const from = scheme < 0 ? 0 : scheme + 3;
  const at = s.lastIndexOf("@");
  if (at < from) return s;
  const userinfo = s.slice(from, at);
  const colon = userinfo.indexOf(":");
  const user = colon < 0 ? "****" : `${userinfo.slice(0, colon)}:****`;
  return `${s.slice(0, from)}${user}@${s.slice(at + 1)}`;
}

// scheme://, then user info up to the last "@" of the same word.
const URL_WITH_LOGIN = /\b([a-z][a-z0-9+.-]*:\/\/)(\S*)@(\S*)/gi;

/** `text` with every `scheme://user:pass@...` in it redacted (a line of a URL list, say). */
export function redactUrlsIn(text: string): string {
  return text.replace(URL_WITH_LOGIN, (whole) => redactUrl(whole));
}
