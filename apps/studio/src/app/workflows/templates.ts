import {
  BUILTIN_TEMPLATES,
  badInput,
  defaultPolicy,
  flattenPolicyInput,
  isBuiltinId,
  newId,
  notFound,
  type Origin,
  type PolicyInput,
  resolvePolicy,
  type SavedTemplate,
  type SavedTemplateRepository,
  type TemplateRef,
  templateDescriptor,
  validateSpec,
  type WorkflowSpec,
} from "@cachify/core";
import { mergeParams, NEUTRAL_PROFILE, partialParams, pathRefused } from "./params.ts";

/** The workflow templates: the built-ins and the user's saved presets of them. */
export class TemplateCatalog {
  constructor(private readonly repo: SavedTemplateRepository) {}

  list() {
    return { builtin: BUILTIN_TEMPLATES, saved: this.repo.list() };
  }

  saved(ref: string): SavedTemplate {
    const t = this.repo.get(ref);
    if (!t) {
      const names = this.repo.list().map((x) => x.name);
      throw notFound(
        `No saved template "${ref}".${names.length ? ` Saved templates: ${names.join(", ")}.` : ""} Built-in templates: ${BUILTIN_TEMPLATES.map((b) => b.id).join(", ")}.`,
      );
    }
    return t;
  }

  /**
   * Saves a preset of a built-in: a new name creates it (version 1), an existing one is edited
   * and its version goes up. Params may leave out what each run gives (e.g. the pattern).
   */
  save(input: {
    name: string;
    builtin?: string;
    params?: Record<string, unknown>;
    policy?: PolicyInput;
    description?: string;
    /** Replace the params instead of merging them over the saved ones. */
    replace?: boolean;
    /** Who saves it: only the CLI may preset a file path (it is its own user's). */
    origin?: Origin;
  }): SavedTemplate {
    const name = input.name.trim();
    if (name === "") throw badInput("A saved template needs a name.", { param: "name" });
    if (isBuiltinId(name)) {
      throw badInput(`"${name}" is a built-in template's name: choose another name.`, {
        param: "name",
      });
    }
    const existing = this.repo.get(name);
    const builtin = input.builtin ?? existing?.builtin;
    if (!builtin)
      throw badInput(
        `Say which built-in "${name}" presets: --from delete-by-pattern, ttl-normalize or warmup-set.`,
        { param: "builtin" },
      );
    templateDescriptor(builtin);
    if (existing && existing.builtin !== builtin) {
      throw badInput(
        `Saved template "${name}" presets ${existing.builtin}, not ${builtin}: choose another name.`,
        { param: "name" },
      );
    }
    const merged = input.replace
      ? { ...(input.params ?? {}) }
      : mergeParams(builtin, existing?.params ?? {}, input.params ?? {});
    if (merged.content !== undefined) {
      throw badInput(
        "A saved template keeps no uploaded file (param content): give the file at each run, or preset inline entries (param entries).",
        { param: "content" },
      );
    }
    if (merged.file !== undefined && input.origin !== undefined && input.origin !== "cli") {
      throw pathRefused();
    }
    const params = partialParams(builtin, merged);
    const policy = { ...(existing?.policy ?? {}), ...flattenPolicyInput(input.policy ?? {}) };
    // The policy must make sense on its own (values checked against a neutral base).
    resolvePolicy(defaultPolicy(NEUTRAL_PROFILE), policy);
    const now = Date.now();
    const t: SavedTemplate = {
      id: existing?.id ?? newId("tpl"),
      name,
      builtin: builtin as SavedTemplate["builtin"],
      version: (existing?.version ?? 0) + 1,
      params,
      ...(Object.keys(policy).length ? { policy } : {}),
      ...((input.description ?? existing?.description) !== undefined
        ? { description: input.description ?? existing?.description }
        : {}),
      createdAt: existing?.createdAt ?? now,
      updatedAt: now,
    };
    this.repo.save(t);
    return t;
  }

  remove(ref: string): SavedTemplate {
    const t = this.saved(ref);
    this.repo.remove(t.id);
    return t;
  }

  /** A template reference (built-in id, saved name or id) with the run's params and policy. */
  resolve(
    ref: string,
    params: Record<string, unknown>,
    policy: PolicyInput | undefined,
  ): { spec: WorkflowSpec; template: TemplateRef; policyInput: PolicyInput } {
    if (isBuiltinId(ref)) {
      const d = templateDescriptor(ref);
      return {
        spec: validateSpec(ref, params),
        template: { builtin: d.id, version: d.version, name: d.id },
        policyInput: flattenPolicyInput(policy ?? {}),
      };
    }
    const saved = this.saved(ref);
    return {
      spec: validateSpec(saved.builtin, mergeParams(saved.builtin, saved.params, params)),
      template: {
        builtin: saved.builtin,
        version: saved.version,
        savedTemplateId: saved.id,
        name: saved.name,
      },
      policyInput: { ...(saved.policy ?? {}), ...flattenPolicyInput(policy ?? {}) },
    };
  }
}
