import { keyFromText } from "@cachify/core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { addAclUser, type RedisServer, startRedis } from "../../../test/harness/index.ts";
import { gateSuite } from "../../../test/support/redis-connection.ts";

describe("ACL users and passwords", () => {
  let server: RedisServer;
  const g = gateSuite();
  beforeAll(async () => {
    server = await startRedis();
    await server.command("CONFIG", "SET", "requirepass", "default-secret");
    await addAclUser(
      { port: server.port, auth: { password: "default-secret" } },
      "alice",
      "alice-pw",
    );
    await addAclUser(
      { port: server.port, auth: { password: "default-secret" } },
      "reader",
      "reader-pw",
      ["~*", "+@read", "+ping", "+client"],
    );
  });
  afterAll(() => server?.stop());

  it("authenticates an ACL user (URL or fields) and the default user's password", async () => {
    await g.roundTrip({ url: `redis://alice:alice-pw@127.0.0.1:${server.port}` });
    await g.roundTrip({ url: server.url, username: "alice", password: "alice-pw" });
    await g.roundTrip({ url: server.url, password: "default-secret" });
  });

  it("says authentication failed and to check username and password", async () => {
    const wrong = await g.pingError({ url: server.url, username: "alice", password: "nope" });
    expect(wrong.message).toMatch(
      /authentication failed \(WRONGPASS: wrong password for user "alice", or the user is disabled\)\. Check the username and password in the profile\./,
    );
    expect(wrong.details).toMatchObject({ reason: "auth", field: "password" });
    const missing = await g.pingError({ url: server.url });
    expect(missing.message).toMatch(
      /authentication failed \(NOAUTH: .*Check the username and password/,
    );
  });

  it("says authentication failed on a server without requirepass too (it refuses AUTH after accepting the connection)", async () => {
    const open = inject("servers").redis.url;
    const wrong = await g.pingError({ url: open, username: "bob", password: "wrong" });
    expect(wrong.message).toMatch(
      /authentication failed \(WRONGPASS: wrong password for user "bob"/,
    );
    expect(wrong.details).toMatchObject({ reason: "auth", field: "password" });
  });

  it("says which permission an ACL user lacks", async () => {
    const p = g.profile({ url: server.url, username: "reader", password: "reader-pw" });
    await expect(
      g.t.gate.run(
        p,
        { kind: "set", key: keyFromText("acl:x"), value: keyFromText("v") },
        { origin: "cli" },
      ),
    ).rejects.toMatchObject({
      errorClass: "NOPERM",
      message: expect.stringMatching(/lacks permission/),
    });
  });

  it("says a database index that does not exist, and never writes to db 0 instead", async () => {
    const e = await g.pingError({ url: `${server.url}/99`, password: "default-secret" });
    expect(e.message).toMatch(/database 99 does not exist on .*Set db in the profile/);
    expect(e.details).toMatchObject({ field: "db" });
    await g.roundTrip({ url: `${server.url}/3`, password: "default-secret" });
  });
});
