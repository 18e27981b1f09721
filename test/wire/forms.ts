/**
 * A msgpack writer by hand, each value in the form asked for: the bytes any msgpack library may
 * write for a value (SPEC section 3), independent of msgpackr, so the tests can say exactly
 * which encoding a frame uses. Throws when a value does not fit its form (a test mistake, not
 * a frame to send).
 */

export type NumberForm =
  | "fixint"
  | "uint8"
  | "uint16"
  | "uint32"
  | "uint64"
  | "int8"
  | "int16"
  | "int32"
  | "int64"
  | "float32"
  | "float64";
export type StringForm = "fixstr" | "str8" | "str16" | "str32";
export type MapForm = "fixmap" | "map16" | "map32";

/** A value and the form to write it in; `raw` bytes go out as they are (nil, true, an array...). */
export type Packed =
  | { num: number | bigint; form: NumberForm }
  | { str: string; form: StringForm }
  | { map: [Packed, Packed][]; form: MapForm }
  | { raw: number[] };

const RANGE: Record<Exclude<NumberForm, "float32" | "float64">, [bigint, bigint]> = {
  fixint: [-32n, 127n],
  uint8: [0n, 255n],
  uint16: [0n, 65_535n],
  uint32: [0n, 2n ** 32n - 1n],
  uint64: [0n, 2n ** 64n - 1n],
  int8: [-(2n ** 7n), 2n ** 7n - 1n],
  int16: [-(2n ** 15n), 2n ** 15n - 1n],
  int32: [-(2n ** 31n), 2n ** 31n - 1n],
  int64: [-(2n ** 63n), 2n ** 63n - 1n],
};
const HEAD: Record<Exclude<NumberForm, "fixint">, number> = {
  float32: 0xca,
  float64: 0xcb,
  uint8: 0xcc,
  uint16: 0xcd,
  uint32: 0xce,
  uint64: 0xcf,
  int8: 0xd0,
  int16: 0xd1,
  int32: 0xd2,
  int64: 0xd3,
};
const WIDTH: Record<Exclude<NumberForm, "fixint">, number> = {
  float32: 4,
  float64: 8,
  uint8: 1,
  uint16: 2,
  uint32: 4,
  uint64: 8,
  int8: 1,
  int16: 2,
  int32: 4,
  int64: 8,
};

/** The forms that hold `n` exactly (a float form only when the number survives it). */
export function formsOf(n: number): NumberForm[] {
  const forms: NumberForm[] = [];
  if (Number.isSafeInteger(n)) {
    for (const [form, [lo, hi]] of Object.entries(RANGE)) {
      if (BigInt(n) >= lo && BigInt(n) <= hi) forms.push(form as NumberForm);
    }
  }
  if (Math.fround(n) === n) forms.push("float32");
  forms.push("float64");
  return forms;
}

function number(num: number | bigint, form: NumberForm): number[] {
  if (form === "float32" || form === "float64") {
    const x = Number(num);
    if (form === "float32" && Math.fround(x) !== x && !Number.isNaN(x)) throw new Error(`${x} is no float32`);
    const b = Buffer.alloc(WIDTH[form]);
    if (form === "float32") b.writeFloatBE(x);
    else b.writeDoubleBE(x);
    return [HEAD[form], ...b];
  }
  const n = BigInt(num);
  const [lo, hi] = RANGE[form];
  if (n < lo || n > hi) throw new Error(`${n} does not fit ${form}`);
  if (form === "fixint") return [Number(BigInt.asUintN(8, n))];
  const width = WIDTH[form];
  const bytes: number[] = [];
  const bits = BigInt.asUintN(width * 8, n);
  for (let i = width - 1; i >= 0; i--) bytes.push(Number((bits >> BigInt(i * 8)) & 0xffn));
  return [HEAD[form], ...bytes];
}

/** The bytes of a value in the forms it names. */
export function write(value: Packed): Buffer {
  const out: number[] = [];
  const put = (v: Packed): void => {
    if ("raw" in v) out.push(...v.raw);
    else if ("num" in v) out.push(...number(v.num, v.form));
    else if ("str" in v) {
      const bytes = Buffer.from(v.str, "utf8");
      const n = bytes.length;
      if (v.form === "fixstr") {
        if (n > 31) throw new Error(`"${v.str}" is too long for fixstr`);
        out.push(0xa0 + n);
      } else if (v.form === "str8") {
        if (n > 255) throw new Error(`"${v.str}" is too long for str8`);
        out.push(0xd9, n);
      } else out.push(v.form === "str16" ? 0xda : 0xdb, ...size(n, v.form));
      out.push(...bytes);
    } else {
      const n = v.map.length;
      if (v.form === "fixmap") {
        if (n > 15) throw new Error("too many entries for fixmap");
        out.push(0x80 + n);
      } else out.push(v.form === "map16" ? 0xde : 0xdf, ...size(n, v.form));
      for (const [k, x] of v.map) {
        put(k);
        put(x);
      }
    }
  };
  put(value);
  return Buffer.from(out);
}

/** A 16-bit length for the *16 forms, 32-bit for the *32 forms. */
function size(n: number, form: "str16" | "str32" | "map16" | "map32"): number[] {
  if (form.endsWith("16")) return [n >> 8, n & 0xff];
  return [(n >>> 24) & 0xff, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff];
}

/** How to write a message: a form per number field (and for vc counts), strings, keys, maps. */
export interface MessageForms {
  number(field: string, value: number): NumberForm;
  string?: StringForm;
  key?: StringForm;
  map?: MapForm;
  /** Key order of the message (default: the order of the object given). */
  order?: string[];
}

const smallestString = (s: string): StringForm => (Buffer.byteLength(s) < 32 ? "fixstr" : "str8");

/**
 * A message-like object as Packed: numbers in `forms.number(field)` (a bigint, a 64-bit integer,
 * always as uint64 or int64), strings and keys in the string forms, `vc` (any nested object) as a
 * map of the same forms; a `Map` with its keys as they are (a number key as a number); other
 * values (null, arrays, booleans) as their usual bytes.
 */
export function packedMessage(
  msg: Record<string, unknown> | ReadonlyMap<unknown, unknown>,
  forms: MessageForms,
): Packed {
  const value = (field: string, x: unknown): Packed => {
    if (typeof x === "bigint") return { num: x, form: x < 0n ? "int64" : "uint64" };
    if (typeof x === "number") return { num: x, form: forms.number(field, x) };
    if (typeof x === "string") return { str: x, form: forms.string ?? smallestString(x) };
    if (x === null) return { raw: [0xc0] };
    if (x === true || x === false) return { raw: [x ? 0xc3 : 0xc2] };
    if (Array.isArray(x)) {
      if (x.length > 15) throw new Error("arrays up to 15 entries");
      return { raw: [0x90 + x.length, ...x.flatMap((e) => [...write(value(field, e))])] };
    }
    return map(field, x instanceof Map ? [...x] : Object.entries(x as Record<string, unknown>));
  };
  const key = (field: string, k: unknown): Packed =>
    typeof k === "string" ? { str: k, form: forms.key ?? smallestString(k) } : value(field, k);
  const map = (field: string, entries: [unknown, unknown][]): Packed => ({
    // The message's own entries are named by their key; a nested map's (vc) by the field.
    map: entries.map(([k, v]) => [
      key(field, k),
      value(field === "" && typeof k === "string" ? k : field, v),
    ]),
    form: forms.map ?? (entries.length < 16 ? "fixmap" : "map16"),
  });
  const entries: [unknown, unknown][] = msg instanceof Map ? [...msg] : Object.entries(msg);
  if (forms.order !== undefined) {
    const byKey = new Map(entries);
    return map(
      "",
      forms.order.map((k) => [k, byKey.get(k)]),
    );
  }
  return map("", entries);
}
