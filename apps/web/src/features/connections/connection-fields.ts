/** The add-connection form's inputs an error can be shown on (or the whole form). */
export type Target = "name" | "url" | "environment" | "timeoutMs" | "form";

/**
 * The server's param (`details.param` of a bad input or a name conflict, or a failed test's
 * `details.field`) → the input it is shown on, where the two differ: this form sets every other
 * profile field (engine, host, port, db, tls...) through the URL.
 */
export const TARGET_OF_PARAM: Readonly<Record<string, Target>> = {
  name: "name",
  url: "url",
  environment: "environment",
  timeoutMs: "timeoutMs",
  connectTimeoutMs: "timeoutMs",
};

/** Which input a server error is about: the one its param maps to; none named, the form. */
export function targetOf(param: string | undefined): Target {
  if (param === undefined) return "form";
  return TARGET_OF_PARAM[param] ?? "url";
}
