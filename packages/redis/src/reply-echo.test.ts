import { describe, expect, it } from "vitest";
import { redactReplyEcho } from "./reply-echo.ts";

describe("redactReplyEcho", () => {
  it("hides echoed arguments and keeps the command name", () => {
    expect(
      redactReplyEcho(
        "ERR unknown command 'sett', with args beginning with: 'session:1' 's3cret-value' ",
      ),
    ).toBe("ERR unknown command 'sett', with its arguments hidden");
    expect(redactReplyEcho("ERR unknown subcommand 'nope'. Try CONFIG HELP.")).toBe(
      "ERR unknown subcommand 'nope'. Try CONFIG HELP.",
    );
    expect(redactReplyEcho("ERR wrong number of arguments for 'set' command")).toBe(
      "ERR wrong number of arguments for 'set' command",
    );
  });

  it("hides a quoted value anywhere else", () => {
    const m = redactReplyEcho(
      "ERR CONFIG SET failed (possibly related to argument 'maxmemory') - Invalid argument 'hunter2 is my password' for CONFIG SET 'maxmemory'",
    );
    expect(m).not.toContain("hunter2");
    expect(m).toContain("<22 bytes>");
  });
});
