import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { FrameReader, lengthPrefixed, MAX_STREAM_FRAME } from "../../src/transport/framing.js";

const frames = ["a", "", "hello world", "x".repeat(70_000)].map((s) => Buffer.from(s));

describe("length-prefixed framing", () => {
  it("cuts a stream split at every possible point back into the same frames", () => {
    const stream = Buffer.concat(frames.slice(0, 3).map(lengthPrefixed));
    for (let cut = 0; cut <= stream.length; cut++) {
      const got: string[] = [];
      const reader = new FrameReader((f) => got.push(f.toString()));
      reader.push(stream.subarray(0, cut));
      reader.push(stream.subarray(cut));
      assert.deepEqual(got, ["a", "", "hello world"], `cut at ${cut}`);
      assert.equal(reader.buffered, 0);
    }
  });

  it("handles frames delivered one byte at a time and many in one chunk", () => {
    const stream = Buffer.concat(frames.map(lengthPrefixed));
    const got: number[] = [];
    const reader = new FrameReader((f) => got.push(f.length));
    for (let i = 0; i < 20; i++) reader.push(stream.subarray(i, i + 1));
    reader.push(stream.subarray(20));
    assert.deepEqual(
      got,
      frames.map((f) => f.length),
    );
  });

  it("keeps an unfinished frame buffered and refuses an absurd length", () => {
    const reader = new FrameReader(() => assert.fail("no frame is complete"));
    assert.equal(reader.push(lengthPrefixed(Buffer.from("abcdef")).subarray(0, 7)), true);
    assert.equal(reader.buffered, 7);
    const huge = Buffer.alloc(4);
    huge.writeUInt32BE(MAX_STREAM_FRAME + 1);
    assert.equal(new FrameReader(() => {}).push(huge), false);
  });
});
