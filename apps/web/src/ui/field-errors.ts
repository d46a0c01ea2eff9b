import { useCallback, useId, useState } from "react";
import { isApiError } from "../api/client.ts";

/**
 * The parameter a server error names: a 400 `bad-input` carries `details.param` (the request
 * field at fault, docs/api.md); a failed connection test names a profile field as
 * `details.field`. Undefined when the error names none.
 */
export function paramOf(e: unknown): string | undefined {
  if (!isApiError(e)) return undefined;
  const d = e.details;
  if (typeof d?.param === "string" && d.param !== "") return d.param;
  if (typeof d?.field === "string" && d.field !== "") return d.field;
  return undefined;
}

/**
 * A form's errors by field: the server's message goes on the field its `details.param` names
 * (`toField` maps the param to the form's field), the form's own checks on theirs; an edit
 * clears the error of the field it touches.
 */
export function useFieldErrors<F extends string>(formField: F) {
  const [errors, setErrors] = useState<Partial<Record<F, string>>>({});
  const base = useId();
  const errorId = useCallback((f: F) => `${base}-err-${f}`, [base]);
  const clear = useCallback(
    (f: F) =>
      setErrors((x) => {
        const { [f]: _, [formField]: __, ...rest } = x as Record<string, string>;
        return rest as unknown as Partial<Record<F, string>>;
      }),
    [formField],
  );
  const add = useCallback(
    (more: Partial<Record<F, string>>) => setErrors((x) => ({ ...x, ...more })),
    [],
  );
  return {
    errors,
    errorId,
    add,
    clear,
    reset: () => setErrors({}),
    /** The server's failure, on the field it names (or the whole form). */
    fromServer: (e: unknown, toField: (param: string | undefined) => F) =>
      add({
        [toField(paramOf(e))]: isApiError(e)
          ? e.message
          : "Something went wrong; nothing was saved.",
      } as Partial<Record<F, string>>),
    /** Props that mark an input invalid and point it at its error, when it has one. */
    invalid: (f: F) =>
      errors[f] ? { "aria-invalid": true as const, "aria-describedby": errorId(f) } : {},
  };
}
