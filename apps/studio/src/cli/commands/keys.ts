import { badInput, type Confirmation, displayKey, keyFromText } from "@cachify/core";
import type { Command } from "commander";
import { KeyActions } from "../../app/key-actions.ts";
import { keyFrom } from "../../app/key-args.ts";
import { isCollection, pageSize, ValuePages } from "../../app/values/value-pages.ts";
import type { CliContext } from "../context.ts";
import { table } from "../io.ts";
import { type RunAction, wholeNumber } from "../run-action.ts";
import { collectionText, ttlText } from "../value-text.ts";
import { viewOf, viewText } from "../value-view.ts";

/** A CLI command is itself a deliberate act: it stands for the confirm dialog; prod needs --confirm. */
export function confirmationFrom(o: { confirm?: string }): Confirmation {
  return { acknowledged: true, ...(o.confirm !== undefined ? { typedName: o.confirm } : {}) };
}

export function registerKeyCommands(program: Command, ctx: CliContext, run: RunAction): void {
  const actions = () => new KeyActions(ctx.cacheDeps(), "cli");

  program
    .command("keys <profile>")
    .description("list keys one page at a time (SCAN; Memcached: best-effort listing)")
    .option("--match <pattern>", "glob pattern, e.g. user:*")
    .option("--type <type>", "string, hash, list, set, zset or stream")
    .option("--count <n>", "keys per page (hint)", wholeNumber("--count"))
    .option("--cursor <cursor>", "continue from this cursor", "0")
    .option("--json", "print JSON")
    .action(
      run(async (p, name: string, o) => {
        const profile = ctx.open().profiles.resolve(name);
        const page = await actions().list(profile, {
          match: o.match,
          type: o.type,
          count: o.count,
          cursor: o.cursor,
        });
        p.result(
          {
            keys: page.keys.map((k) => ({
              key: k.key,
              keyBase64: k.keyBase64,
              type: k.type,
              ttl: k.ttl,
            })),
            cursor: page.cursor,
            done: page.done,
            ...(page.total !== undefined ? { total: page.total } : {}),
            ...(page.bestEffort ? { bestEffort: page.bestEffort } : {}),
          },
          () => {
            const lines = page.keys.map((k) => [k.key, k.type, ttlText(k.ttl)]);
            const footer = page.done ? "(end)" : `(more: --cursor ${page.cursor})`;
            const note = page.bestEffort ? `\nnote: ${page.bestEffort}` : "";
            return `${lines.length ? `${table(lines)}\n` : "no keys on this page\n"}${footer}${note}`;
          },
        );
      }),
    );

  program
    .command("get <profile> [key]")
    .description("read a key: type, TTL and value (collections one page at a time)")
    .option("--key-base64 <b64>", "the key as base64 bytes, instead of KEY")
    .option("--count <n>", "members per page, 1 to 10000 (default 200)", wholeNumber("--count"))
    .option("--cursor <cursor>", "continue a collection from this cursor")
    .option(
      "--view <chain>",
      "decode a string value: auto, or a format or chain (json, msgpack, php, pickle, java, protobuf, base64, hex, gzip, zlib, deflate, brotli, zstd, lz4, lz4-block, snappy, snappy-framed; e.g. gzip,json)",
    )
    .option("--json", "print JSON")
    .action(
      run(async (p, name: string, key: string | undefined, o) => {
        const ref = { key, keyBase64: o.keyBase64 };
        const count = pageSize(o.count); // refused before anything is sent
        const app = ctx.open();
        const profile = app.profiles.resolve(name);
        const read = await actions().get(profile, keyFrom(ref));
        const type = read.type;
        if (o.view !== undefined && type !== "none") {
          if (type !== "string")
            throw badInput(
              `--view decodes a string value; "${read.key}" is a ${type}: read it without --view (its members are shown as text and base64).`,
            );
          const view = viewOf(read, o.view);
          p.result({ ...read, view }, () => viewText(view));
          return;
        }
        if (!isCollection(type)) {
          p.result(read, () =>
            type === "none"
              ? `(missing) ${read.key}`
              : type !== "string"
                ? `${read.key}: ${type}, ${ttlText(read.ttl)} (not a type cachify reads: try cachify exec)`
                : (read.value ??
                  `(binary, base64) ${"valueBase64" in read ? read.valueBase64 : ""}`),
          );
          return;
        }
        const page = await new ValuePages(ctx.cacheDeps(), "cli").page(profile, type, {
          ...ref,
          cursor: o.cursor,
          count,
        });
        p.result(
          {
            key: read.key,
            keyBase64: read.keyBase64,
            type,
            ttl: read.ttl,
            length: page.length,
            items: page.items,
            cursor: page.cursor,
            done: page.done,
          },
          () => collectionText(type, read.ttl, page),
        );
      }),
    );

  program
    .command("set <profile> [args...]")
    .usage(
      "<profile> KEY VALUE [--ttl SECONDS] [--confirm NAME]  (or <profile> VALUE --key-base64 B64)",
    )
    .description("write a string value")
    .option("--ttl <seconds>", "expire after SECONDS", wholeNumber("--ttl"))
    .option("--key-base64 <b64>", "the key as base64 bytes, instead of KEY")
    .option("--value-base64 <b64>", "the value as base64 bytes, instead of VALUE")
    .option(
      "--confirm <name>",
      "the profile name, required for destructive changes on prod (and where a guardrail setting asks for typed-name)",
    )
    .option("--json", "print JSON")
    .action(
      run(async (p, name: string, args: string[], o) => {
        const positional = [...args];
        const key = o.keyBase64 === undefined ? positional.shift() : undefined;
        const valueText = o.valueBase64 === undefined ? positional.shift() : undefined;
        if (positional.length > 0 || (o.keyBase64 === undefined && key === undefined)) {
          throw badInput("Usage: cachify set PROFILE KEY VALUE [--ttl SECONDS] [--confirm NAME]");
        }
        if (valueText === undefined && o.valueBase64 === undefined) {
          throw badInput("A value is required: cachify set PROFILE KEY VALUE");
        }
        const keyBytes = keyFrom({ key, keyBase64: o.keyBase64 });
        const value =
          o.valueBase64 !== undefined
            ? keyFrom({ keyBase64: o.valueBase64 })
            : keyFromText(valueText!);
        const profile = ctx.open().profiles.resolve(name);
        await actions().set(profile, keyBytes, value, o.ttl, confirmationFrom(o));
        p.result({ key: displayKey(keyBytes), written: true }, () => "OK");
      }),
    );

  program
    .command("del <profile> [keys...]")
    .description("delete keys")
    .option("--key-base64 <b64...>", "keys as base64 bytes")
    .option(
      "--confirm <name>",
      "the profile name, required on prod (and where a guardrail setting asks for typed-name)",
    )
    .option("--json", "print JSON")
    .action(
      run(async (p, name: string, keys: string[], o) => {
        const all = [
          ...keys.map((k) => keyFrom({ key: k })),
          ...((o.keyBase64 as string[] | undefined) ?? []).map((b) => keyFrom({ keyBase64: b })),
        ];
        const profile = ctx.open().profiles.resolve(name);
        const r = await actions().delete(profile, all, confirmationFrom(o));
        p.result(r, () => `Deleted ${r.deleted} of ${all.length} key(s).`);
      }),
    );

  program
    .command("expire <profile> <key> <seconds>")
    .description("set a TTL in seconds; -1 removes the TTL")
    .option(
      "--confirm <name>",
      "the profile name, required on prod (and where a guardrail setting asks for typed-name)",
    )
    .option("--json", "print JSON")
    .action(
      run(async (p, name: string, key: string, seconds: string, o) => {
        const n = wholeNumber("SECONDS")(seconds);
        const profile = ctx.open().profiles.resolve(name);
        const r = await actions().expire(profile, keyFrom({ key }), n, confirmationFrom(o));
        p.result(r, () => (r.applied ? "OK" : "(no such key)"));
      }),
    );
}
