import type { ParamDescriptor } from "@cachify/core";
import { describe, expect, it } from "vitest";
import {
  FIELD_OF_PARAM,
  fieldOfParam,
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

  it("shows a server error on the field its details.param maps to, or on the whole form", () => {
    // Server param → form field: the one table where the two differ, then the names themselves.
    expect(FIELD_OF_PARAM).toEqual({ file: "entries", content: "entries", format: "entries" });
    const cases: [ParamDescriptor[], string, string | undefined][] = [
      [TTL, "ttlSeconds", "ttlSeconds"],
      [TTL, "pattern", "pattern"],
      [TTL, "mode", "mode"],
      [WARMUP, "entries", "entries"],
      [WARMUP, "file", "entries"],
      [WARMUP, "content", "entries"],
      [WARMUP, "format", "entries"],
      [WARMUP, "condition", "condition"],
      [TTL, "policy.batchSize", "policy.batchSize"],
      [TTL, "policy.maxOpsPerSecond", "policy.maxOpsPerSecond"],
      [TTL, "policy.stepTimeoutMs", "policy.stepTimeoutMs"],
      [TTL, "policy.retry.maxAttempts", "policy.retry.maxAttempts"],
      [TTL, "policy.onAbort", "policy.onAbort"],
      // Params this form shows no field for: the whole form's error.
      [TTL, "entries", undefined],
      [TTL, "file", undefined],
      [TTL, "ttl", undefined],
      [TTL, "template", undefined],
      [TTL, "policy.retry.backoff", undefined],
      [TTL, "policy.retry.x", undefined],
      [TTL, "batchSize", undefined],
    ];
    for (const [descriptors, param, field] of cases) {
      expect(fieldOfParam(param, descriptors), param).toBe(field);
    }
    // A rerun's form has no policy settings.
    expect(fieldOfParam("policy.batchSize", TTL, false)).toBeUndefined();
    expect(fieldOfParam("ttlSeconds", TTL, false)).toBe("ttlSeconds");
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
