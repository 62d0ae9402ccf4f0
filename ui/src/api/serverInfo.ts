// What the server says about itself (`server-info`): the UI hides what its backend lacks.
import { API_V3_ROOT, get } from "./client";

export interface ServerInfo {
  store_type?: string;
}

/** Whether the backend is a database (registry, traces) rather than an mlruns file store. */
export function hasDatabase(info: ServerInfo | undefined): boolean {
  return info?.store_type !== "FileStore";
}

let pending: Promise<ServerInfo> | null = null;

/** The server's info, asked once per page load (a failed ask is retried next time). */
export function serverInfo(): Promise<ServerInfo> {
  pending ??= get<ServerInfo>("/server-info", {}, API_V3_ROOT).catch((exc: unknown) => {
    pending = null;
    throw exc;
  });
  return pending;
}
