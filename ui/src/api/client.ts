// The one way the UI talks to the server: JSON over the /ajax-api mirror of the tracking API.

import { basePath } from "../lib/base";

export const API_ROOT = `${basePath()}ajax-api/2.0/mlflow`;
/** Traces and assessments live under the 3.0 API. */
export const API_V3_ROOT = `${basePath()}ajax-api/3.0/mlflow`;

/** A failed call: the server's error code and message, or a transport failure. */
export class ApiError extends Error {
  readonly status: number;
  readonly errorCode: string;

  constructor(status: number, errorCode: string, message: string) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.errorCode = errorCode;
  }
}

export type Query = Record<string, string | number | boolean | readonly string[] | undefined>;

/** `a=1&b=x&b=y`: repeated keys for lists, undefined values left out. */
export function queryString(query: Query): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) {
      for (const item of value) params.append(key, String(item));
    } else {
      params.append(key, String(value));
    }
  }
  return params.toString();
}

/** The error a non-2xx response stands for, from its JSON body when it has one. */
export function errorFromResponse(status: number, statusText: string, body: string): ApiError {
  try {
    const json: unknown = JSON.parse(body);
    if (json && typeof json === "object") {
      const record = json as Record<string, unknown>;
      const message = record["message"] ?? record["detail"];
      if (typeof message === "string") {
        const code = typeof record["error_code"] === "string" ? record["error_code"] : "ERROR";
        return new ApiError(status, code, message);
      }
    }
  } catch {
    // Not JSON: fall through to the status line.
  }
  const text = body.trim().slice(0, 300);
  return new ApiError(status, "HTTP_ERROR", `HTTP ${status} ${statusText}${text ? `: ${text}` : ""}`);
}

export type Fetcher = (input: string, init?: RequestInit) => Promise<Response>;

let fetcher: Fetcher = (input, init) => fetch(input, init);

// The CSRF token of the browser's sign-in (basic-auth servers): every write carries it, since
// the server refuses a cookie-authenticated write without it. Null when there is none.
let csrfToken: string | null = null;
let unauthenticated: (() => void) | null = null;

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** Call `listener` whenever the server answers 401 (the sign-in form takes over). */
export function onUnauthenticated(listener: (() => void) | null): void {
  unauthenticated = listener;
}

/** Swap the transport (tests pass a fake; the app keeps the browser's fetch). */
export function setFetcher(next: Fetcher): void {
  fetcher = next;
}

async function send<T>(url: string, init: RequestInit): Promise<T> {
  let response: Response;
  try {
    response = await fetcher(url, init);
  } catch (exc) {
    const reason = exc instanceof Error ? exc.message : String(exc);
    throw new ApiError(0, "NETWORK_ERROR", `Cannot reach the server (${reason}).`);
  }
  const body = await response.text();
  if (response.status === 401) unauthenticated?.();
  if (!response.ok) throw errorFromResponse(response.status, response.statusText, body);
  if (!body.trim()) return {} as T;
  try {
    return JSON.parse(body) as T;
  } catch {
    throw new ApiError(response.status, "BAD_RESPONSE", "The server sent a response that is not JSON.");
  }
}

export function get<T>(path: string, query: Query = {}, root: string = API_ROOT): Promise<T> {
  const qs = queryString(query);
  return send<T>(`${root}${path}${qs ? `?${qs}` : ""}`, {
    method: "GET",
    headers: { Accept: "application/json" },
  });
}

/** A JSON-body request; the registry's PATCH and DELETE calls take their fields in the body. */
export function sendJson<T>(
  method: "POST" | "PATCH" | "DELETE",
  path: string,
  body: unknown,
  root: string = API_ROOT,
): Promise<T> {
  const headers: Record<string, string> = { "Content-Type": "application/json", Accept: "application/json" };
  if (csrfToken) headers["X-CSRF-Token"] = csrfToken;
  return send<T>(`${root}${path}`, { method, headers, body: JSON.stringify(body) });
}

export function post<T>(path: string, body: unknown, root: string = API_ROOT): Promise<T> {
  return sendJson<T>("POST", path, body, root);
}

/** A message to show for anything thrown by an API call or a render. */
export function describeError(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof Error) return error.message;
  return String(error);
}
