import type { ParamDescriptor } from "@cachify/core";
import { describe, expect, it } from "vitest";
import {
  fieldOfError,
  formFromParams,
  MAX_UPLOAD_BYTES,
  paramsChanges,
  paramsFromForm,
  policyFromForm,
  uploadSize,
} from "./form-model.ts";

const TTL: ParamDescriptor[] = [
  { name: "pattern", type: "string", required: true, help: "" },
  { name: "ttlSeconds", type: "integer", required: true, aliases: ["ttl"], help: "" },
  { name: "mode", type: "enum", required: false, values: ["all", "clamp-max"], help: "" },
];
const WARMUP: ParamDescriptor[] = [
  { name: "file", type: "string", required: false, help: "" },
  { name: "content", type: "string", required: false, help: "" },
  { name: "format", type: "enum", required: false, values: ["jsonl", "csv"], help: "" },
  { name: "entries", type: "entries", required: false, help: "" },
  { name: "condition", type: "enum", required: false, values: ["always"], help: "" },
];

describe("workflow form model", () => {
  it("sends numbers as numbers, anything else as typed (the server says what is wrong)", () => {
    const form = formFromParams(TTL, { pattern: "s:*", ttl: 60 }, { batchSize: 100 });
    expect(form.params).toEqual({ pattern: "s:*", ttlSeconds: "60", mode: "" });
    expect(paramsFromForm(TTL, form).params).toEqual({ pattern: "s:*", ttlSeconds: 60 });
    form.params.ttlSeconds = "ten";
    expect(paramsFromForm(TTL, form).params.ttlSeconds).toBe("ten");
    expect(policyFromForm(form)).toEqual({ batchSize: 100 });
  });

  it("sends typed entries inline and a picked file's content, never a path", () => {
    const form = formFromParams(WARMUP, {});
    form.entries = { source: "typed", text: "key,value\na,1\n" };
    expect(paramsFromForm(WARMUP, form)).toMatchObject({
      params: { entries: [{ key: "a", value: "1" }] },
      entryCount: 1,
    });
    form.entries = { source: "typed", text: "not json" };
    expect(paramsFromForm(WARMUP, form).problems.entries).toMatch(/header naming the columns/);
    const text = "key,value\na,1\n";
    form.entries = { source: "upload", text, fileName: "w.csv", uploadBytes: uploadSize(text) };
    expect(paramsFromForm(WARMUP, form)).toEqual({
      params: { content: text, format: "csv" },
      problems: {},
    });
    form.entries = { ...form.entries, uploadBytes: MAX_UPLOAD_BYTES + 1 };
    expect(paramsFromForm(WARMUP, form).problems.entries).toMatch(
      /^w\.csv takes 63\.9 MiB to upload; the studio takes up to 63\.9 MiB\. .* --param file=PATH\.$/,
    );
    expect(formFromParams(WARMUP, { entries: "<3 inline entries>" }).entries).toEqual({
      source: "kept",
      text: "",
      keptNote: "<3 inline entries>",
    });
    // A rerun of an upload, or of a path the CLI read: the file is picked again, never sent as a path.
    for (const params of [{ content: "<uploaded file: 12 bytes>" }, { file: "/data/w.jsonl" }]) {
      const rerun = formFromParams(WARMUP, params);
      expect(rerun.entries).toMatchObject({ source: "upload", text: "" });
      expect(rerun.entries.pickAgain).toMatch(/pick/);
      expect(paramsFromForm(WARMUP, rerun).params).toEqual({});
    }
    expect(uploadSize('{"k":"é"}')).toBe(16);
  });

  it("places the server's validation messages on the field they name", () => {
    expect(fieldOfError("Param ttlSeconds of ttl-normalize must be a whole number")).toBe(
      "ttlSeconds",
    );
    expect(fieldOfError("Template ttl-normalize needs the param pattern (glob)")).toBe("pattern");
    expect(fieldOfError("entry 3 of param entries needs a key")).toBe("entries");
    expect(fieldOfError("Param file of warmup-set must be a path.")).toBe("entries");
    expect(fieldOfError("Param file names a path on the studio's machine")).toBe("entries");
    expect(fieldOfError("The entries were uploaded (<uploaded file: 3 bytes>)")).toBe("entries");
    expect(fieldOfError("Policy batchSize must be a whole number from 1 to 10,000")).toBe(
      "policy.batchSize",
    );
    expect(fieldOfError('Unknown policy setting "retry.x": use one of')).toBe("policy.retry.x");
    expect(fieldOfError("Cannot reach the studio server")).toBeUndefined();
  });

  it("lists the params a rerun changes", () => {
    expect(
      paramsChanges(
        { pattern: "a:*", ttlSeconds: 600, limit: 5 },
        { pattern: "a:*", ttlSeconds: 900 },
      ),
    ).toEqual([
      { param: "ttlSeconds", from: 600, to: 900 },
      { param: "limit", from: 5, to: undefined },
    ]);
  });
});
