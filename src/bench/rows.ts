import { formatTable } from "../analysis/table.js";

/** One measured figure, with the floor measured in the same run and the target it is held to. */
export interface Row {
  section: string;
  name: string;
  value: number;
  unit: string;
  floor?: number;
  floorName?: string;
  target?: string;
  met?: boolean;
}

function figure(x: number | undefined): string {
  if (x === undefined || Number.isNaN(x)) return "-";
  if (x >= 1000) return Math.round(x).toLocaleString("en-US");
  return x >= 10 ? x.toFixed(1) : x.toFixed(3);
}

/** The rows as an aligned table: figure, floor, ours/floor, target, met. */
export function renderRows(rows: readonly Row[]): string {
  return formatTable(
    ["section", "measure", "value", "unit", "floor", "ours/floor", "target", "met"],
    rows.map((r) => [
      r.section,
      r.floorName === undefined ? r.name : `${r.name} vs ${r.floorName}`,
      figure(r.value),
      r.unit,
      figure(r.floor),
      r.floor === undefined ? "-" : (r.value / r.floor).toFixed(2),
      r.target ?? "-",
      r.met === undefined ? "-" : r.met ? "yes" : "NO",
    ]),
  );
}
