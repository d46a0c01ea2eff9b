import {
  CachifyError,
  type Capabilities,
  type ConnectionProfile,
  type GateContext,
  type OperationGate,
  toCachifyError,
  type WorkflowSpec,
} from "@cachify/core";

/** What a dry-run learnt of the profile user's permissions, for the plan. */
export interface AccessReport {
  /** Which check was made, and what it found (a note of the plan). */
  note: string;
  /** Snapshots cannot be taken or put back: the plan's rollback is none, for this reason. */
  noRollback?: string;
  /** No DUMP: the execution runs without snapshots (the gate would refuse every batch). */
  skipSnapshots?: boolean;
  /** The apply's own commands would be refused: the dry-run fails with this. */
  refusal?: CachifyError;
}

interface Check {
  gate: OperationGate;
  profile: ConnectionProfile;
  /** The engine's capabilities: only one with users (ACL) is checked. */
  caps: Capabilities;
  spec: WorkflowSpec;
  /** A key the plan would change: the commands are checked on it. */
  sample: Uint8Array;
  ctx: GateContext;
  /** Whether the gate would take snapshots (settings, engine). */
  snapshots: boolean;
}

type Command = (string | Uint8Array)[];

const encoder = new TextEncoder();
const bytes = (c: Command) => c.map((a) => (typeof a === "string" ? encoder.encode(a) : a));

/** The commands the apply sends per key (Redis), on `key`; values are placeholders. */
function changeCommands(spec: WorkflowSpec, key: Uint8Array, cluster: boolean): Command[] {
  switch (spec.builtin) {
    case "delete-by-pattern":
      return [["UNLINK", key]];
    case "ttl-normalize":
      return [["EXPIRE", key, String(spec.params.ttlSeconds)]];
    case "warmup-set": {
      const c = spec.params.condition;
      const set: Command = [
        "SET",
        key,
        "v",
        ...(c === "always" ? [] : [c === "if-absent" ? "NX" : "XX"]),
      ];
      // A single server gets the unconditional keys without a TTL in one MSET.
      return c === "always" && !cluster ? [set, ["MSET", key, "v"]] : [set];
    }
  }
}

/** A rollback puts pre-images back (RESTORE) and deletes keys a warm-up created. */
function rollbackCommands(spec: WorkflowSpec, key: Uint8Array): Command[] {
  const restore: Command = ["RESTORE", key, "0", "x", "REPLACE"];
  return spec.builtin === "warmup-set" ? [restore, ["UNLINK", key]] : [restore];
}

const names = (cs: Command[]) => [...new Set(cs.map((c) => String(c[0])))].join(", ");

/**
 * Says what the apply will really meet, before anything is confirmed: whether the profile's user
 * may send the change itself, take its snapshots (DUMP, PTTL) and put them back (RESTORE). Redis 7:
 * ACL DRYRUN of those commands on one planned key, for the user ACL WHOAMI names. Without it (an
 * older server, a user not allowed ACL) the fallback is a DUMP of that key, a read through the
 * gate: NOPERM means no snapshots; the change commands are then left unchecked, and the note says
 * so. Memcached has no users to check. Never throws: a check that fails is a note.
 */
export async function checkAccess(c: Check): Promise<AccessReport | undefined> {
  if (!c.caps.acl) return undefined;
  const cluster = c.profile.mode === "cluster";
  const change = changeCommands(c.spec, c.sample, cluster);
  const dump: Command[] = [
    ["DUMP", c.sample],
    ["PTTL", c.sample],
  ];
  const restore = rollbackCommands(c.spec, c.sample);
  const all = [...change, ...(c.snapshots ? [...dump, ...restore] : [])];
  let answer: { user: string; denied: (string | undefined)[] };
  try {
    answer = await c.gate.run(c.profile, { kind: "aclDryRun", commands: all.map(bytes) }, c.ctx);
  } catch (e) {
    return fallback(c, dryRunUnavailable(toCachifyError(e)), names(change));
  }
  const { user } = answer;
  const denied = (from: number, cs: Command[]) =>
    cs
      .map((cmd, i) => ({ name: String(cmd[0]), reason: answer.denied[from + i] }))
      .filter((d): d is { name: string; reason: string } => d.reason !== undefined);
  const changeDenied = denied(0, change);
  const dumpDenied = c.snapshots ? denied(change.length, dump) : [];
  const restoreDenied = c.snapshots ? denied(change.length + dump.length, restore) : [];
  const checked = `Permissions checked with ACL DRYRUN for the user "${user}" on one planned key: ${names(all)}`;
  if (changeDenied.length > 0) {
    const missing = changeDenied.map((d) => d.name);
    return {
      note: `${checked}; refused: ${missing.join(", ")}.`,
      refusal: new CachifyError(
        "capability",
        `The user "${user}" of profile "${c.profile.name}" may not run ${missing.join(" or ")} (${changeDenied[0]!.reason}), which this ${c.spec.builtin} sends for every key: the apply would fail on every one. Grant it (ACL SETUSER ${user} ${missing.map((m) => `+${m.toLowerCase()}`).join(" ")}) or use a profile whose user may, then make a new dry-run.`,
        { errorClass: "NOPERM", details: { user, missing, check: "acl-dryrun" } },
      ),
    };
  }
  if (dumpDenied.length > 0) {
    const missing = dumpDenied.map((d) => d.name).join(" and ");
    return {
      note: `${checked}; refused: ${missing} (no snapshots).`,
      noRollback: `the user cannot run ${missing} ("${user}" may not), so no snapshot can be taken before a change: the apply runs without undo`,
      skipSnapshots: true,
    };
  }
  if (restoreDenied.length > 0) {
    const missing = restoreDenied.map((d) => d.name).join(" and ");
    return {
      note: `${checked}; refused: ${missing} (no rollback).`,
      noRollback: `the user cannot run ${missing} ("${user}" may not), so the snapshots taken could not be put back from this profile`,
    };
  }
  return { note: `${checked}: all allowed.` };
}

/** Why ACL DRYRUN could not answer, in words. */
function dryRunUnavailable(e: CachifyError): string {
  if (e.errorClass === "NOPERM") return "the user may not run ACL DRYRUN";
  if (/unknown (sub)?command|wrong number of arguments/i.test(e.message)) {
    return "this server has no ACL DRYRUN (Redis 7 and later)";
  }
  return `ACL DRYRUN failed: ${e.message}`;
}

/** Without ACL DRYRUN: a DUMP of the planned key through the gate says whether snapshots work. */
async function fallback(c: Check, why: string, change: string): Promise<AccessReport> {
  if (!c.snapshots) {
    return {
      note: `Permissions not checked: ${why}; ${change} will be tried by the apply itself.`,
    };
  }
  const head = `Permissions: ${why}, so a DUMP of one planned key was tried instead`;
  const unchecked = `${change} and RESTORE were not checked`;
  try {
    await c.gate.run(c.profile, { kind: "dump", keys: [c.sample] }, c.ctx);
    return { note: `${head}: allowed; ${unchecked}.` };
  } catch (e) {
    const err = toCachifyError(e);
    if (err.errorClass !== "NOPERM") {
      return { note: `${head} and failed (${err.message}); ${unchecked}.` };
    }
    return {
      note: `${head}: refused (NOPERM); ${unchecked}.`,
      noRollback:
        "the user cannot run DUMP (a DUMP of a planned key was refused), so no snapshot can be taken before a change: the apply runs without undo",
      skipSnapshots: true,
    };
  }
}
