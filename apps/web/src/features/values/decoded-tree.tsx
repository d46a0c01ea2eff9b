import { bytesFromBase64 } from "@cachify/core/shared";
import { useState } from "react";
import type { PlainJson } from "../../api/value-view.ts";
import { formatBytes } from "../../lib/format.ts";
import { type Branch, type Child, hexPreview, shown } from "./plain-node.ts";

/** Children shown at once under one branch; "Show more" adds as many again. */
const PAGE = 100;
/**
 * Small branches open on arrival down to this depth (the root always); the others open on
 * demand, and only then render their children.
 */
const OPEN_DEPTH = 4;
const OPEN_SIZE = 50;
/** A string longer than this shows its start and how much is left out. */
const STRING_LIMIT = 2000;

/**
 * The decoded value as a foldable tree: maps, lists, tuples and sets, objects with their class
 * (PHP, Java, pickle), enums, references and bytes (hex with their length). Each branch is a
 * `<details>`: its summary is keyboard reachable (Enter or Space folds it) and its children are
 * only rendered while it is open, so a large value costs what is unfolded.
 */
export function DecodedTree({ value }: { value: PlainJson }) {
  const s = shown(value);
  return (
    <ul className="dtree">
      {s.kind === "branch" ? (
        <BranchItem label={undefined} node={s} depth={0} />
      ) : (
        <li className="dtree-leaf">
          <Leaf value={value} />
        </li>
      )}
    </ul>
  );
}

function Item({ child, depth }: { child: Child; depth: number }) {
  const s = shown(child.value);
  if (s.kind === "branch") return <BranchItem label={child} node={s} depth={depth} />;
  return (
    <li className="dtree-leaf">
      <Label child={child} />
      <Leaf value={child.value} />
    </li>
  );
}

function Label({ child }: { child: Child }) {
  return (
    <>
      <span className={`dtree-label dtree-${child.labelKind}`}>{child.label}</span>
      <span className="dtree-colon">:</span>{" "}
    </>
  );
}

function BranchItem({
  label,
  node,
  depth,
}: {
  label: Child | undefined;
  node: Branch;
  depth: number;
}) {
  const [open, setOpen] = useState(
    depth === 0 || (depth < OPEN_DEPTH && node.children.length <= OPEN_SIZE),
  );
  const [shownCount, setShownCount] = useState(PAGE);
  const left = node.children.length - shownCount;
  return (
    <li className="dtree-branch">
      <details open={open} onToggle={(e) => setOpen(e.currentTarget.open)}>
        <summary>
          {label && <Label child={label} />}
          {node.className !== undefined && (
            <>
              <span className="dtree-class">{node.className}</span>{" "}
            </>
          )}
          <span className="dtree-tag">{node.tag}</span>{" "}
          {node.construct && (
            <>
              <span
                className="dtree-construct"
                title="How the source would build it: not done here"
              >
                {node.construct}
              </span>{" "}
            </>
          )}
          {node.id !== undefined && (
            <>
              <span className="dtree-id">#{node.id}</span>{" "}
            </>
          )}
          <span className="dtree-size">{node.size}</span>
        </summary>
        {open && (
          <ul>
            {node.children.slice(0, shownCount).map((c, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: a decoded value never reorders; keys may repeat (1 and "1")
              <Item key={`${i}:${c.label}`} child={c} depth={depth + 1} />
            ))}
            {left > 0 && (
              <li className="dtree-more">
                <button
                  type="button"
                  className="btn btn-small"
                  onClick={() => setShownCount((n) => n + PAGE)}
                >
                  Show {Math.min(PAGE, left).toLocaleString("en-US")} more of{" "}
                  {left.toLocaleString("en-US")}
                </button>
              </li>
            )}
          </ul>
        )}
      </details>
    </li>
  );
}

function Leaf({ value }: { value: PlainJson }) {
  const s = shown(value);
  switch (s.kind) {
    case "null":
      return <span className="dtree-v dtree-null">null</span>;
    case "bool":
      return <span className="dtree-v dtree-bool">{String(s.value)}</span>;
    case "number":
      return <span className="dtree-v dtree-number">{String(s.value)}</span>;
    case "string": {
      const cut = s.value.length > STRING_LIMIT;
      return (
        <span className="dtree-v dtree-string">
          {JSON.stringify(cut ? s.value.slice(0, STRING_LIMIT) : s.value)}
          {cut && (
            <span className="dtree-size">
              … {(s.value.length - STRING_LIMIT).toLocaleString("en-US")} more characters
            </span>
          )}
        </span>
      );
    }
    case "bytes":
      return <Bytes base64={s.base64} ext={s.ext} />;
    case "enum":
      return (
        <span className="dtree-v dtree-enum">
          <span className="dtree-tag">enum</span> {s.name}
        </span>
      );
    case "ref":
      return (
        <span className="dtree-v dtree-ref" title="Points at the part marked with this number">
          <span className="dtree-tag">reference</span> → #{String(s.target)}
        </span>
      );
    case "unknown":
      return (
        <span className="dtree-v dtree-unknown">
          <span className="dtree-tag">unreadable</span> {s.reason}
          {s.base64 !== undefined && <Bytes base64={s.base64} ext={undefined} />}
        </span>
      );
    case "branch":
      return null;
  }
}

function Bytes({ base64, ext }: { base64: string; ext: number | undefined }) {
  const bytes = bytesFromBase64(base64);
  return (
    <span className="dtree-v dtree-bytes">
      <span className="dtree-tag">{ext === undefined ? "bytes" : `ext ${ext}`}</span>{" "}
      <span className="dtree-size">{formatBytes(bytes.length)}</span>{" "}
      {bytes.length > 0 && <code>{hexPreview(bytes)}</code>}
    </span>
  );
}
