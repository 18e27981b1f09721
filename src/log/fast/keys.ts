import { TICK_FIELDS, type TickField, type TickRecord } from "../schema.js";

/** A tick record's kind. */
export type TickKind = TickRecord["event"];

/** Each field of a tick line of one kind, with the text written before its value. */
export interface LineField<K extends TickKind> {
  name: TickField<K>;
  /** `{"event":"send","t":` for the first field, `,"tick":` for the others. */
  key: string;
}

/**
 * The fields of a tick line of kind `kind` in the order TICK_FIELDS gives, each with its key as
 * JSON.stringify writes it: the one source of the text the fast serializer writes and the fast
 * scanner expects.
 */
export function lineFields<K extends TickKind>(kind: K): readonly LineField<K>[] {
  const names: readonly TickField<K>[] = TICK_FIELDS[kind];
  return names.map((name, i) => ({
    name,
    key: `${i === 0 ? `{"event":${JSON.stringify(kind)},` : ","}${JSON.stringify(name)}:`,
  }));
}
