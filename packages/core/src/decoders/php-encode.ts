import { CachifyError } from "../common/errors.ts";
import type { DecodedNode, MapEntry } from "./node.ts";
import { concat, encodeUtf8 } from "./reader.ts";

/**
 * PHP `serialize()` format. Nodes read from PHP come back byte for byte: floats keep their text,
 * strings their raw bytes, references their slot numbers. Lists from other formats become arrays
 * with keys 0..n-1, as PHP itself would write them.
 */
export function encodePhp(node: DecodedNode): Uint8Array {
  const out: Uint8Array[] = [];
  write(node, out);
  return concat(out);
}

const t = (s: string) => encodeUtf8(s);

function str(bytes: Uint8Array, out: Uint8Array[]): void {
  out.push(t(`${bytes.length}:"`), bytes, t('"'));
}

function floatText(n: { value: number; text?: string }): string {
  if (n.text !== undefined) return n.text;
  if (Number.isNaN(n.value)) return "NAN";
  if (!Number.isFinite(n.value)) return n.value > 0 ? "INF" : "-INF";
  // PHP writes exponents as "1.0E+25"; JavaScript as "1e+25".
  return String(n.value)
    .replace(/^(-?\d)(?:e)/, "$1.0e")
    .toUpperCase();
}

function members(entries: MapEntry[], out: Uint8Array[]): void {
  out.push(t(`${entries.length}:{`));
  for (const e of entries) {
    if (e.key.kind !== "int" && e.key.kind !== "string")
      throw cannot(`an array key of kind ${e.key.kind}`);
    write(e.key, out);
    write(e.value, out);
  }
  out.push(t("}"));
}

function write(n: DecodedNode, out: Uint8Array[]): void {
  switch (n.kind) {
    case "null":
      out.push(t("N;"));
      return;
    case "bool":
      out.push(t(`b:${n.value ? 1 : 0};`));
      return;
    case "int":
      out.push(t(`i:${n.value};`));
      return;
    case "float":
      out.push(t(`d:${floatText(n)};`));
      return;
    case "string":
      out.push(t("s:"));
      str(n.raw ?? t(n.value), out);
      out.push(t(";"));
      return;
    case "bytes":
      out.push(t("s:"));
      str(n.value, out);
      out.push(t(";"));
      return;
    case "list":
      out.push(t("a:"));
      members(
        n.items.map((value, i) => ({ key: { kind: "int", value: String(i) }, value })),
        out,
      );
      return;
    case "map":
      out.push(t("a:"));
      members(n.entries, out);
      return;
    case "object":
      if (n.construct === "custom") {
        out.push(t("C:"));
        str(t(n.className), out);
        out.push(t(`:${n.raw?.length ?? 0}:{`), n.raw ?? new Uint8Array(), t("}"));
        return;
      }
      if (n.construct !== undefined) throw cannot(`an object built by ${n.construct}`);
      out.push(t("O:"));
      str(t(n.className), out);
      out.push(t(":"));
      members(n.fields, out);
      return;
    case "enum":
      out.push(t("E:"));
      str(t(`${n.className}:${n.name}`), out);
      out.push(t(";"));
      return;
    case "reference":
      out.push(t(`${n.flavor === "value" ? "R" : "r"}:${n.target};`));
      return;
    default:
      throw cannot(`a ${n.kind} node`);
  }
}

const cannot = (what: string) =>
  new CachifyError(
    "bad-input",
    `PHP serialize: cannot encode ${what}; choose a format that can hold it`,
  );
