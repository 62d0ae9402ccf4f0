// Users, grants and personal access tokens of a basic-auth server (the server's route table is
// src/runhub/security/auth/routes.py). Reads send their fields as a query, writes as JSON.

import { basePath } from "../lib/base";
import { API_V3_ROOT, get, post, sendJson } from "./client";
import type { AuthUser } from "./auth";

const TOKENS_ROOT = `${basePath()}ajax-api/2.0/runhub/access-tokens`;

export type ResourceType = "experiment" | "registered_model";

/** The levels a grant can give, weakest to strongest; NO_PERMISSIONS hides the resource. */
export const PERMISSIONS = ["READ", "USE", "EDIT", "MANAGE", "NO_PERMISSIONS"] as const;
export type Permission = (typeof PERMISSIONS)[number];

/** One grant of a user: an experiment id or a registered model name, and its level. */
export interface Grant {
  resource_type: string;
  resource_pattern: string;
  permission: string;
}

/** A personal access token as listed: never its secret, which is shown only at creation. */
export interface AccessToken {
  id: number;
  name: string;
  created_time: number;
}

/** A token just created: `token` is the secret, shown once. */
export interface CreatedToken {
  token: string;
  name: string;
}

// Users (admins only, except a user changing their own password) ----------------------------

export async function listUsers(): Promise<AuthUser[]> {
  const res = await get<{ users?: AuthUser[] }>("/users/list");
  return res.users ?? [];
}

/** A new user; the server answers 400 with the reason for a weak password or a bad name. */
export async function createUser(username: string, password: string): Promise<AuthUser> {
  const res = await post<{ user: AuthUser }>("/users/create", { username, password });
  return res.user;
}

export async function deleteUser(username: string): Promise<void> {
  await sendJson<unknown>("DELETE", "/users/delete", { username });
}

export async function setAdmin(username: string, isAdmin: boolean): Promise<void> {
  await sendJson<unknown>("PATCH", "/users/update-admin", { username, is_admin: isAdmin });
}

/** A new password; the server asks for `currentPassword` when users change their own. */
export async function updatePassword(username: string, password: string, currentPassword?: string): Promise<void> {
  const body: Record<string, string> = { username, password };
  if (currentPassword !== undefined) body["current_password"] = currentPassword;
  await sendJson<unknown>("PATCH", "/users/update-password", body);
}

// Grants -------------------------------------------------------------------------------------

export async function listGrants(username: string): Promise<Grant[]> {
  const res = await get<{ permissions?: Grant[] }>("/users/permissions/list", { username }, API_V3_ROOT);
  return res.permissions ?? [];
}

/** Give `username` a level on one experiment (by id) or registered model (by name). */
export async function grantPermission(
  username: string,
  resourceType: ResourceType,
  resourceId: string,
  permission: Permission,
): Promise<void> {
  await post<unknown>(
    "/users/permissions/grant",
    { username, resource_type: resourceType, resource_id: resourceId, permission },
    API_V3_ROOT,
  );
}

export async function revokePermission(username: string, resourceType: ResourceType, resourceId: string): Promise<void> {
  await post<unknown>(
    "/users/permissions/revoke",
    { username, resource_type: resourceType, resource_id: resourceId },
    API_V3_ROOT,
  );
}

// The signed-in user's own access tokens ----------------------------------------------------

export async function listTokens(): Promise<AccessToken[]> {
  const res = await get<{ tokens?: AccessToken[] }>("/list", {}, TOKENS_ROOT);
  return res.tokens ?? [];
}

export function createToken(name: string): Promise<CreatedToken> {
  return post<CreatedToken>("/create", { name }, TOKENS_ROOT);
}

export async function revokeToken(id: number): Promise<void> {
  await sendJson<unknown>("DELETE", "/revoke", { id }, TOKENS_ROOT);
}

/** Whether a grant row is on a resource type this page can edit (roles may add others). */
export function isResourceType(value: string): value is ResourceType {
  return value === "experiment" || value === "registered_model";
}
