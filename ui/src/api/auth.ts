// Signing in to a basic-auth server: the form posts JSON, the server sets an HttpOnly cookie
// and answers the CSRF token every later write must carry.

import { basePath } from "../lib/base";
import { ApiError, get, post, setCsrfToken } from "./client";

const AUTH_ROOT = `${basePath()}ajax-api/2.0/runhub/auth`;

export interface AuthUser {
  id: number;
  username: string;
  is_admin: boolean;
}

interface SignedIn {
  user: AuthUser;
  csrf_token: string | null;
}

/** "open" when the server runs without auth; "signed-out" when it wants a sign-in. */
export type AuthStatus = AuthUser | "open" | "signed-out";

/** Who the browser is signed in as; remembers the sign-in's CSRF token. */
export async function authStatus(): Promise<AuthStatus> {
  try {
    const status = await get<SignedIn>("/status", {}, AUTH_ROOT);
    setCsrfToken(status.csrf_token);
    return status.user;
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return "open";
    if (error instanceof ApiError && error.status === 401) return "signed-out";
    throw error;
  }
}

export async function signIn(username: string, password: string): Promise<AuthUser> {
  const signedIn = await post<SignedIn>("/sign-in", { username, password }, AUTH_ROOT);
  setCsrfToken(signedIn.csrf_token);
  return signedIn.user;
}

export async function signOut(): Promise<void> {
  await post<unknown>("/sign-out", {}, AUTH_ROOT);
  setCsrfToken(null);
}
