import type { DecodeResult } from "./format.ts";
import { Budget, DEFAULT_DECODE_LIMITS, type DecodeLimits } from "./limits.ts";
import { Machine } from "./pickle-machine.ts";
import { objectOpcode } from "./pickle-objects.ts";
import { toTree } from "./pickle-values.ts";
import { Reader } from "./reader.ts";

/**
 * Python pickle, protocols 0 to 5, read by an interpreter of its opcodes that only ever builds
 * data. Where Python would import a module and call something (GLOBAL, STACK_GLOBAL, REDUCE,
 * NEWOBJ, INST, OBJ, BUILD), this records an `object` node naming the callable with its
 * arguments and state. Nothing is imported, looked up or called, so a `__reduce__` returning
 * `os.system` is shown as `object os.system(args)` and is otherwise inert. Read-only: there is no
 * encoder, since re-pickling what we cannot instantiate would not be faithful.
 */
export function decodePickle(
  bytes: Uint8Array,
  limits: DecodeLimits = DEFAULT_DECODE_LIMITS,
): DecodeResult {
  const b = new Budget("pickle", limits);
  b.checkInput(bytes.length);
  const m = new Machine(new Reader(bytes, "pickle"), b, objectOpcode);
  const root = m.run();
  // The tree pass counts its own nodes: the machine counted pushes, not what is shown.
  return { node: toTree(root, new Budget("pickle", limits)), consumed: m.r.pos };
}
