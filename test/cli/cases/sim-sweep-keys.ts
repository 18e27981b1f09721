import type { EdgeCase } from "./types.js";

export const cases: EdgeCase[] = [];
