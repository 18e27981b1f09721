import assert from "node:assert/strict";
import { createSocket } from "node:dgram";
import { createServer } from "node:net";
import { describe, it } from "node:test";
import { curveFor } from "../../src/run/vm-args.js";
import { defaultRegistry, TRANSPORT_CAPABILITIES } from "../../src/transport/registry.js";
import { freePorts } from "../helpers/processes.js";

/** The OS error code of binding a socket of `kind` on 127.0.0.1:port, or "free". */
function bindCode(kind: "tcp" | "udp", port: number): Promise<string> {
  return new Promise((resolve) => {
    if (kind === "tcp") {
      const server = createServer();
      server.once("error", (err: NodeJS.ErrnoException) => resolve(err.code ?? "error"));
      server.listen({ host: "127.0.0.1", port, exclusive: true }, () => server.close(() => resolve("free")));
    } else {
      const socket = createSocket("udp4");
      socket.once("error", (err: NodeJS.ErrnoException) => {
        socket.close();
        resolve(err.code ?? "error");
      });
      socket.bind({ address: "127.0.0.1", port, exclusive: true }, () => socket.close(() => resolve("free")));
    }
  });
}

describe("transport registry", { timeout: 30_000 }, () => {
  it("declares the capabilities of every transport it lists, udp among them", () => {
    const names = [...defaultRegistry().keys()];
    assert.deepEqual(names, ["zmq", "tcp", "http", "udp"]);
    assert.deepEqual([...TRANSPORT_CAPABILITIES.keys()], names);
    assert.deepEqual(TRANSPORT_CAPABILITIES.get("udp"), {
      authenticates: false,
      reliable: false,
      binds: "udp",
    });
  });

  it("says authenticates of the transports the curve keys are accepted for, and no other", () => {
    for (const [name, caps] of TRANSPORT_CAPABILITIES) {
      const accepted = (() => {
        try {
          curveFor("keys", name);
          return true;
        } catch {
          return false;
        }
      })();
      assert.equal(accepted, caps.authenticates, name);
    }
  });

  it("says binds of the socket kind each transport's VM takes its port with", async () => {
    const registry = defaultRegistry();
    for (const [name, caps] of TRANSPORT_CAPABILITIES) {
      const [port] = (await freePorts(1)) as [number];
      const transport = (registry.get(name) as NonNullable<ReturnType<typeof registry.get>>)({
        self: { id: String(port), host: "127.0.0.1", port },
        peers: [],
      });
      await transport.start({ frame: () => {}, fault: () => {} });
      try {
        const other = caps.binds === "tcp" ? "udp" : "tcp";
        assert.deepEqual(
          { [caps.binds]: await bindCode(caps.binds, port), [other]: await bindCode(other, port) },
          { [caps.binds]: "EADDRINUSE", [other]: "free" },
          name,
        );
      } finally {
        await transport.close(0);
      }
    }
  });
});
