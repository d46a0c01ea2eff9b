import { badInput } from "@cachify/core";
import type { z } from "zod";

/** Validates a request part; the error names the field and what is expected. */
export function parse<T extends z.ZodType>(schema: T, data: unknown, what: string): z.infer<T> {
  const r = schema.safeParse(data ?? {});
  if (r.success) return r.data;
  const issues = r.error.issues
    .map((i) => `${i.path.length ? i.path.join(".") : what}: ${i.message}`)
    .join("; ");
  // The first field at fault, for a form to put the message next to it.
  const first = r.error.issues[0]?.path;
  throw badInput(
    `Invalid ${what}: ${issues}.`,
    first && first.length > 0 ? { param: first.join(".") } : undefined,
  );
}
