import { authHeaders } from "./session.ts";
import type {
  ApiErrorBody,
  ApiErrorCode,
  CollectionItems,
  CollectionPage,
  CollectionType,
  CommandClass,
  ConfirmBody,
  ConsoleReply,
  EngineCapabilities,
  ExecutionDetail,
  ExecutionSummary,
  HistoryEvent,
  KeysPage,
  KeyValue,
  NewKeyInput,
  NewProfile,
  NewTemplateInput,
  PlanConfirmBody,
  PlanPage,
  PolicyView,
  ProfileView,
  RestoreResult,
  RestoreSelection,
  SavedWorkflowTemplate,
  ServerInfo,
  SlowlogEntry,
  SnapshotInspect,
  SnapshotView,
  ValueType,
  WorkflowTemplate,
} from "./types.ts";

/** Every failure of an API call: the server's `{error}` body, or a client-side stand-in. */
export class ApiError extends Error {
  readonly code: ApiErrorCode;
  readonly status: number;
  readonly retryable: boolean;
  readonly details: Record<string, unknown> | undefined;

  constructor(
    code: ApiErrorCode,
    message: string,
    status: number,
    options: { retryable?: boolean; details?: unknown } = {},
  ) {
    super(message);
    this.name = "ApiError";
    this.code = code;
    this.status = status;
    this.retryable = options.retryable ?? false;
    this.details =
      typeof options.details === "object" && options.details !== null
        ? (options.details as Record<string, unknown>)
        : undefined;
  }
}

export function isApiError(e: unknown): e is ApiError {
  return e instanceof ApiError;
}

type Query = Record<string, string | number | undefined>;

interface RequestOptions {
  query?: Query;
  body?: unknown;
  signal?: AbortSignal;
}

function withQuery(path: string, query: Query | undefined): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value !== undefined && value !== "") params.set(name, String(value));
  }
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

function isErrorBody(v: unknown): v is ApiErrorBody {
  if (typeof v !== "object" || v === null || !("error" in v)) return false;
  const e = (v as { error: unknown }).error;
  return (
    typeof e === "object" &&
    e !== null &&
    typeof (e as { code?: unknown }).code === "string" &&
    typeof (e as { message?: unknown }).message === "string"
  );
}

export async function request<T>(
  method: string,
  path: string,
  { query, body, signal }: RequestOptions = {},
): Promise<T> {
  let res: Response;
  try {
    res = await fetch(withQuery(path, query), {
      method,
      // The session travels as a header; no cookie of any port is sent.
      credentials: "omit",
      headers: {
        ...authHeaders(),
        Accept: "application/json",
        ...(body === undefined ? {} : { "Content-Type": "application/json" }),
      },
      body: body === undefined ? null : JSON.stringify(body),
      signal: signal ?? null,
    });
  } catch (e) {
    if (signal?.aborted) throw e;
    throw new ApiError(
      "network",
      "Cannot reach the studio server. Check that `cachify studio` is still running, then retry.",
      0,
      { retryable: true },
    );
  }

  const text = await res.text();
  let data: unknown;
  if (text !== "") {
    try {
      data = JSON.parse(text);
    } catch {
      data = undefined;
    }
  }

  if (!res.ok) {
    if (isErrorBody(data)) {
      const { code, message, retryable, details } = data.error;
      throw new ApiError(code, message, res.status, { retryable, details });
    }
    throw new ApiError(
      res.status === 401 ? "unauthorized" : "bad-response",
      res.status === 401
        ? "This window is not signed in to the studio. Run `cachify studio link` and open the link it prints."
        : `The studio answered ${res.status} ${res.statusText || "without details"}.`,
      res.status,
    );
  }
  if (data === undefined && text !== "") {
    throw new ApiError("bad-response", "The studio sent a reply that is not JSON.", res.status);
  }
  return data as T;
}

const enc = encodeURIComponent;

/** Every guarded call takes the challenge answer as `confirm` (see ui/guard.tsx). */
function send<T>(method: string, path: string, body: object, confirm?: ConfirmBody): Promise<T> {
  return request<T>(method, path, { body: confirm ? { ...body, confirm } : body });
}

/** The studio's HTTP API (docs/api.md), one function per route. */
export const api = {
  health: (signal?: AbortSignal) =>
    request<{ ok: boolean; version: string }>("GET", "/api/health", { signal }),

  profiles: (signal?: AbortSignal) =>
    request<{ profiles: ProfileView[] }>("GET", "/api/profiles", { signal }),

  createProfile: (input: NewProfile) =>
    request<ProfileView>("POST", "/api/profiles", { body: input }),

  testProfile: (id: string) =>
    request<{ ok: true; latencyMs: number }>("POST", `/api/profiles/${enc(id)}/test`),

  keys: (
    id: string,
    params: { match?: string; type?: ValueType | ""; count?: number; cursor?: string },
    signal?: AbortSignal,
  ) =>
    request<KeysPage>("GET", `/api/profiles/${enc(id)}/keys`, {
      query: {
        match: params.match,
        type: params.type || undefined,
        count: params.count,
        cursor: params.cursor,
      },
      signal,
    }),

  key: (id: string, keyBase64: string, signal?: AbortSignal) =>
    request<KeyValue>("GET", `/api/profiles/${enc(id)}/key`, { query: { keyBase64 }, signal }),

  history: (params: { profileId?: string; limit?: number }, signal?: AbortSignal) =>
    request<{ events: HistoryEvent[] }>("GET", "/api/history", { query: params, signal }),

  /** Exact lookup by text (no SCAN): a missing key answers type "none". */
  keyByName: (id: string, key: string, signal?: AbortSignal) =>
    request<KeyValue>("GET", `/api/profiles/${enc(id)}/key`, { query: { key }, signal }),

  members: <T extends CollectionType>(
    id: string,
    type: T,
    params: { keyBase64: string; cursor?: string; count?: number; match?: string },
    signal?: AbortSignal,
  ) =>
    request<CollectionPage<CollectionItems[T]>>("GET", `/api/profiles/${enc(id)}/${type}`, {
      query: params,
      signal,
    }),

  send,

  deleteKey: (id: string, keyBase64: string, confirm?: ConfirmBody) =>
    request<{ deleted: number }>("DELETE", `/api/profiles/${enc(id)}/key`, {
      query: { keyBase64 },
      body: confirm ? { confirm } : {},
    }),

  setString: (id: string, keyBase64: string, value: string, confirm?: ConfirmBody) =>
    send<{ written: true }>(
      "PUT",
      `/api/profiles/${enc(id)}/string`,
      { keyBase64, value, keepTtl: true },
      confirm,
    ),

  createKey: (id: string, key: string, input: NewKeyInput, confirm?: ConfirmBody) =>
    send<{ created: true; key: string; keyBase64: string; type: ValueType }>(
      "POST",
      `/api/profiles/${enc(id)}/keys`,
      { key, ...input },
      confirm,
    ),

  renameKey: (
    id: string,
    keyBase64: string,
    newKey: string,
    overwrite: boolean,
    confirm?: ConfirmBody,
  ) =>
    send<{ renamed: true; key: string; keyBase64: string }>(
      "POST",
      `/api/profiles/${enc(id)}/key/rename`,
      { keyBase64, newKey, overwrite },
      confirm,
    ),

  /** ttl in seconds; -1 removes the TTL. */
  setTtl: (id: string, keyBase64: string, ttl: number, confirm?: ConfirmBody) =>
    send<{ applied: boolean }>(
      "PUT",
      `/api/profiles/${enc(id)}/key/ttl`,
      { keyBase64, ttl },
      confirm,
    ),

  command: (id: string, line: string, confirm?: ConfirmBody) =>
    send<ConsoleReply>("POST", `/api/profiles/${enc(id)}/command`, { line }, confirm),

  commandClass: (id: string, command: string, signal?: AbortSignal) =>
    request<CommandClass>("GET", `/api/profiles/${enc(id)}/command-class`, {
      query: { command },
      signal,
    }),

  serverInfo: (id: string, signal?: AbortSignal) =>
    request<ServerInfo>("GET", `/api/profiles/${enc(id)}/server-info`, { signal }),

  slowlog: (id: string, count: number, signal?: AbortSignal) =>
    request<{ entries: SlowlogEntry[] }>("GET", `/api/profiles/${enc(id)}/slowlog`, {
      query: { count },
      signal,
    }),

  capabilities: (id: string, signal?: AbortSignal) =>
    request<EngineCapabilities>("GET", `/api/profiles/${enc(id)}/capabilities`, { signal }),

  policies: (signal?: AbortSignal) =>
    request<{ policies: PolicyView[]; managedPolicy: { path: string; error: string | null } }>(
      "GET",
      "/api/policies",
      { signal },
    ),

  forceReadOnly: (profileId: string, reason: string) =>
    request<{ policies: PolicyView[] }>("POST", "/api/policies/read-only", {
      body: { profileId, ...(reason ? { reason } : {}) },
    }),

  clearReadOnly: (profileId: string, confirm?: ConfirmBody) =>
    request<{ cleared: string[] }>("DELETE", `/api/policies/read-only/${enc(profileId)}`, {
      body: confirm ? { confirm } : {},
    }),
};

/** Paths of the member edit routes (docs/api.md, "Values"). */
export const memberPath = (id: string, what: string) => `/api/profiles/${enc(id)}/${what}`;

/** Workflows (docs/api.md, "Workflows"): templates, dry-run plans, executions and reruns. */
export const workflowApi = {
  templates: (signal?: AbortSignal) =>
    request<{ templates: WorkflowTemplate[] }>("GET", "/api/workflows/templates", { signal }),

  saveTemplate: (input: NewTemplateInput) =>
    request<SavedWorkflowTemplate>("POST", "/api/workflows/templates", { body: input }),

  editTemplate: (id: string, input: Omit<NewTemplateInput, "name">) =>
    request<SavedWorkflowTemplate>("PUT", `/api/workflows/templates/${enc(id)}`, { body: input }),

  removeTemplate: (id: string) =>
    request<{ removed: true; name: string }>("DELETE", `/api/workflows/templates/${enc(id)}`),

  /** A dry-run; `first-page` answers as soon as a page is in, while the count goes on. */
  plan: (input: {
    template: string;
    profileId: string;
    params?: Record<string, unknown>;
    policy?: Record<string, unknown>;
    wait?: "complete" | "first-page";
    pageSize?: number;
  }) => request<PlanPage>("POST", "/api/workflows/plans", { body: input }),

  planPage: (planId: string, page: number, pageSize: number, signal?: AbortSignal) =>
    request<PlanPage>("GET", `/api/workflows/plans/${enc(planId)}`, {
      query: { page, pageSize },
      signal,
    }),

  cancelPlan: (planId: string) =>
    request<Omit<PlanPage, "page" | "pageSize" | "pages" | "items">>(
      "POST",
      `/api/workflows/plans/${enc(planId)}/cancel`,
    ),

  /** Without `confirm` the server answers 428 with what to type (PlanChallengeDetails). */
  apply: (planId: string, confirm?: PlanConfirmBody) =>
    request<ExecutionSummary>("POST", `/api/workflows/plans/${enc(planId)}/apply`, {
      body: confirm ? { confirm } : {},
    }),

  executions: (
    params: { profileId?: string; limit?: number; beforeId?: string },
    signal?: AbortSignal,
  ) =>
    request<{ executions: ExecutionSummary[] }>("GET", "/api/workflows/executions", {
      query: params,
      signal,
    }),

  execution: (
    id: string,
    params: { attempts?: number; errorsOnly?: boolean } = {},
    signal?: AbortSignal,
  ) =>
    request<ExecutionDetail>("GET", `/api/workflows/executions/${enc(id)}`, {
      query: {
        attempts: params.attempts,
        errorsOnly: params.errorsOnly ? "true" : undefined,
      },
      signal,
    }),

  cancelExecution: (id: string) =>
    request<ExecutionSummary>("POST", `/api/workflows/executions/${enc(id)}/cancel`),

  /** A fresh dry-run with the execution's params (edits over them); it never runs by itself. */
  rerun: (
    id: string,
    input: {
      params?: Record<string, unknown>;
      wait?: "complete" | "first-page";
      pageSize?: number;
    },
  ) => request<PlanPage>("POST", `/api/workflows/executions/${enc(id)}/rerun`, { body: input }),
};

/** The rollback helper: snapshots (pre-images) and restores. Restores are guarded (428). */
export const rollbackApi = {
  snapshots: (
    params: {
      profileId?: string;
      keyBase64?: string;
      executionId?: string;
      operationId?: string;
      limit?: number;
    },
    signal?: AbortSignal,
  ) =>
    request<{ snapshots: SnapshotView[] }>("GET", "/api/rollback/snapshots", {
      query: params,
      signal,
    }),

  snapshot: (id: string, signal?: AbortSignal) =>
    request<SnapshotInspect>("GET", `/api/rollback/snapshots/${enc(id)}`, { signal }),

  restore: (selection: RestoreSelection, force: boolean, confirm?: ConfirmBody) =>
    request<RestoreResult>("POST", "/api/rollback/restore", {
      body: { ...selection, ...(force ? { force: true } : {}), ...(confirm ? { confirm } : {}) },
    }),
};
