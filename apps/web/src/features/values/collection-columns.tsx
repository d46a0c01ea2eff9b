import { useMemo } from "react";
import type {
  CollectionItems,
  CollectionType,
  HashItem,
  ListItem,
  SetItem,
  StreamItem,
  ZsetItem,
} from "../../api/types.ts";
import { formatCount } from "../../lib/format.ts";
import type { Column } from "../../ui/data-table.tsx";
import { cellOf } from "./value-bytes.ts";

export type Item = CollectionItems[CollectionType];

export function identity(type: CollectionType, item: Item): string {
  switch (type) {
    case "hash":
      return (item as HashItem).fieldBase64;
    case "list":
      return String((item as ListItem).index);
    case "set":
    case "zset":
      return (item as SetItem).memberBase64;
    case "stream":
      return (item as StreamItem).id;
  }
}

/** How an item is named in labels and dialogs. */
export function nameOf(type: CollectionType, item: Item): string {
  switch (type) {
    case "hash":
      return (item as HashItem).field;
    case "list":
      return `index ${(item as ListItem).index}`;
    case "set":
    case "zset":
      return (item as SetItem).member;
    case "stream":
      return (item as StreamItem).id;
  }
}

/** A stored byte string for a table cell: its text, or its bytes escaped (in the warning colour). */
function Cell({ base64 }: { text?: string | null; base64: string }) {
  const c = useMemo(() => cellOf(base64), [base64]);
  return (
    <span
      className={c.binary ? "cell-value mono binary" : "cell-value mono"}
      title={c.text.length > 2000 ? `${c.text.slice(0, 2000)}…` : c.text}
    >
      {c.text === "" ? <em className="muted">(empty)</em> : c.text}
    </span>
  );
}

/** The columns of one collection type (the actions column is added by the view). */
export function columnsOf(type: CollectionType): Column<Item>[] {
  return type === "hash"
    ? [
        {
          header: "Field",
          className: "col-name",
          cell: (it) => (
            <Cell text={(it as HashItem).field} base64={(it as HashItem).fieldBase64} />
          ),
        },
        {
          header: "Value",
          cell: (it) => (
            <Cell text={(it as HashItem).value} base64={(it as HashItem).valueBase64} />
          ),
        },
      ]
    : type === "list"
      ? [
          {
            header: "Index",
            className: "num col-index",
            cell: (it) => formatCount((it as ListItem).index),
          },
          {
            header: "Element",
            cell: (it) => (
              <Cell text={(it as ListItem).value} base64={(it as ListItem).valueBase64} />
            ),
          },
        ]
      : type === "set"
        ? [
            {
              header: "Member",
              cell: (it) => (
                <Cell text={(it as SetItem).member} base64={(it as SetItem).memberBase64} />
              ),
            },
          ]
        : type === "zset"
          ? [
              {
                header: "Rank",
                className: "num col-index",
                cell: (it) => formatCount((it as ZsetItem).rank),
              },
              {
                header: "Member",
                cell: (it) => (
                  <Cell text={(it as ZsetItem).member} base64={(it as ZsetItem).memberBase64} />
                ),
              },
              {
                header: "Score",
                className: "num col-score",
                cell: (it) => <span className="mono">{String((it as ZsetItem).score)}</span>,
              },
            ]
          : [
              {
                header: "ID",
                className: "col-id",
                cell: (it) => {
                  const ms = Number((it as StreamItem).id.split("-")[0]);
                  return (
                    <span
                      className="mono"
                      title={Number.isFinite(ms) && ms > 0 ? new Date(ms).toISOString() : undefined}
                    >
                      {(it as StreamItem).id}
                    </span>
                  );
                },
              },
              {
                header: "Fields",
                cell: (it) => (
                  <span className="stream-fields">
                    {(it as StreamItem).fields.map((f) => (
                      <span key={f.fieldBase64} className="stream-field">
                        <Cell text={f.field} base64={f.fieldBase64} />
                        <span className="muted">=</span>
                        <Cell text={f.value} base64={f.valueBase64} />
                      </span>
                    ))}
                  </span>
                ),
              },
            ];
}
