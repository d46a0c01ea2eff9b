import type { DecodedNode } from "./node.ts";
import { callableName, type Machine, object } from "./pickle-machine.ts";
import { ascii } from "./reader.ts";

/**
 * The pickle opcodes that, in Python, import something or call it. Each one here only records
 * what would have been called, as an `object` node, and never resolves the name: this file is
 * where "nothing is executed" is decided, and it has nothing it could execute with.
 */
export function objectOpcode(m: Machine, op: number): void {
  const { r } = m;
  switch (op) {
    case 0x63: {
      // GLOBAL: "module\nname\n" names a callable; we keep the name as text.
      const module = ascii(r.until(0x0a));
      const name = ascii(r.until(0x0a));
      m.push(object(`${module}.${name}`, "global"));
      return;
    }
    case 0x93: {
      const name = m.pop();
      const module = m.pop();
      if (module.kind !== "string" || name.kind !== "string")
        m.fail("STACK_GLOBAL needs two strings");
      m.push(object(`${module.value}.${name.value}`, "global"));
      return;
    }
    case 0x52: {
      const args = m.pop();
      const callable = m.pop();
      m.push(m.reduce(callable, args));
      return;
    }
    case 0x62: {
      const state = m.pop();
      m.build(state, m.top());
      return;
    }
    case 0x81: {
      const args = m.pop();
      const cls = m.pop();
      m.push(object(callableName(cls), "newobj", args));
      return;
    }
    case 0x92: {
      const kwargs = m.pop();
      const args = m.pop();
      const cls = m.pop();
      m.push(object(callableName(cls), "newobj", m.tuple([args, kwargs])));
      return;
    }
    case 0x69: {
      const module = ascii(r.until(0x0a));
      const name = ascii(r.until(0x0a));
      m.push(object(`${module}.${name}`, "inst", m.tuple(m.popMark())));
      return;
    }
    case 0x6f: {
      const [cls, ...args] = m.popMark();
      if (cls === undefined) m.fail("OBJ without a class");
      m.push(object(callableName(cls), "inst", m.tuple(args)));
      return;
    }
    case 0x50:
      m.push(
        object("<persistent id>", "persistent", { kind: "string", value: ascii(r.until(0x0a)) }),
      );
      return;
    case 0x51:
      m.push(object("<persistent id>", "persistent", m.pop()));
      return;
    case 0x82:
    case 0x83:
    case 0x84: {
      const size = op === 0x82 ? 1 : op === 0x83 ? 2 : 4;
      r.need(size);
      const code = size === 1 ? r.u8() : size === 2 ? r.u8() | (r.u8() << 8) : m.u32();
      m.push(object(`<extension ${code}>`, "extension"));
      return;
    }
    case 0x97:
      m.push(unknownBuffer);
      return;
    case 0x98: // READONLY_BUFFER: changes nothing we show
      m.top();
      return;
    default:
      m.fail(`unknown opcode 0x${op.toString(16)}`);
      return;
  }
}

const unknownBuffer: DecodedNode = {
  kind: "unknown",
  reason: "out-of-band buffer (pickle protocol 5), not in the value",
};
