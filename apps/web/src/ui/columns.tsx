import type { ReactNode } from "react";
import { formatTime } from "../lib/format.ts";
import type { Column } from "./data-table.tsx";

/** A "Time" column: the time (or date and time) of the row, its ISO form on hover. */
export function timeColumn<T>(
  ts: (row: T) => number,
  { className = "col-time", cellClassName = "mono nowrap" } = {},
): Column<T> {
  return {
    header: "Time",
    className,
    cellClassName,
    cellTitle: (r) => new Date(ts(r)).toISOString(),
    cell: (r) => formatTime(ts(r)),
  };
}

/** A "Duration" column in milliseconds (or as `show` writes it). */
export function durationColumn<T>(
  ms: (row: T) => ReactNode,
  className = "num col-duration",
): Column<T> {
  return { header: "Duration", className, cellClassName: "num mono nowrap", cell: ms };
}

/** A column of text that may be long: cut by the table, whole on hover. */
export function textColumn<T>(
  header: ReactNode,
  text: (row: T) => string,
  {
    className,
    cellClassName = "mono cell-keys",
  }: { className?: string; cellClassName?: string } = {},
): Column<T> {
  return {
    header,
    ...(className ? { className } : {}),
    cellClassName,
    cellTitle: text,
    cell: text,
  };
}

/** A right-aligned number column (monospace digits). */
export function numColumn<T>(
  header: ReactNode,
  cell: (row: T) => ReactNode,
  cellClassName = "num mono",
): Column<T> {
  return { header, className: "num", cellClassName, cell };
}
