import type { ReactNode } from "react";

/** One column: its header (and header class), and the cell of each row. */
export interface Column<T> {
  header: ReactNode;
  /** The header cell's class (widths, `num`). */
  className?: string;
  /** Left out when false (a column shown only in some views). */
  show?: boolean;
  cell: (row: T, index: number) => ReactNode;
  /** The body cell's class, when it is not `className`. */
  cellClassName?: string | ((row: T) => string | undefined);
  cellTitle?: (row: T) => string | undefined;
}

/** A plain table: a header row from the columns, a row per item. */
export function DataTable<T>({
  rows,
  columns,
  rowKey,
  rowClassName,
  className = "table",
  label,
  caption,
}: {
  rows: readonly T[];
  columns: readonly Column<T>[];
  rowKey: (row: T, index: number) => string;
  rowClassName?: (row: T) => string | undefined;
  className?: string;
  label?: string;
  caption?: ReactNode;
}) {
  const cols = columns.filter((c) => c.show !== false);
  return (
    <table className={className} aria-label={label}>
      {caption}
      <thead>
        <tr>
          {cols.map((c, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: columns are positional
            <th key={i} scope="col" className={c.className}>
              {c.header}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((row, r) => (
          <tr key={rowKey(row, r)} className={rowClassName?.(row)}>
            {cols.map((c, i) => (
              <td
                // biome-ignore lint/suspicious/noArrayIndexKey: columns are positional
                key={i}
                className={
                  (typeof c.cellClassName === "function"
                    ? c.cellClassName(row)
                    : (c.cellClassName ?? c.className)) || undefined
                }
                title={c.cellTitle?.(row)}
              >
                {c.cell(row, r)}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
