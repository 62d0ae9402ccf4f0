import { afterEach, describe, expect, it } from "vitest";
import { ApiError, setCsrfToken, setFetcher } from "../src/api/client";
import {
  createToken,
  createUser,
  deleteUser,
  grantPermission,
  listGrants,
  listTokens,
  listUsers,
  revokePermission,
  revokeToken,
  setAdmin,
  updatePassword,
} from "../src/api/users";

interface Call {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: unknown;
}

/** A fake transport answering `reply(url)` and remembering every request it saw. */
function fakeServer(reply: (url: string) => Response = () => json({})): Call[] {
  const calls: Call[] = [];
  setFetcher(async (url, init) => {
    calls.push({
      url,
      method: init?.method ?? "GET",
      headers: { ...(init?.headers as Record<string, string> | undefined) },
      body: typeof init?.body === "string" ? JSON.parse(init.body) : undefined,
    });
    return reply(url);
  });
  return calls;
}

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });

afterEach(() => {
  setFetcher((input, init) => fetch(input, init));
  setCsrfToken(null);
});

describe("users", () => {
  it("lists users from the 2.0 route", async () => {
    const users = [{ id: 1, username: "admin", is_admin: true }];
    const calls = fakeServer(() => json({ users }));
    expect(await listUsers()).toEqual(users);
    expect(calls[0]).toMatchObject({ url: "/ajax-api/2.0/mlflow/users/list", method: "GET" });
  });

  it("creates, promotes and deletes with JSON bodies carrying the CSRF token", async () => {
    setCsrfToken("tok");
    const calls = fakeServer((url) =>
      json(url.endsWith("/create") ? { user: { id: 2, username: "bo", is_admin: false } } : {}),
    );
    expect(await createUser("bo", "a-long-password-1")).toEqual({ id: 2, username: "bo", is_admin: false });
    await setAdmin("bo", true);
    await deleteUser("bo");
    expect(calls.map((c) => [c.method, c.url, c.body])).toEqual([
      ["POST", "/ajax-api/2.0/mlflow/users/create", { username: "bo", password: "a-long-password-1" }],
      ["PATCH", "/ajax-api/2.0/mlflow/users/update-admin", { username: "bo", is_admin: true }],
      ["DELETE", "/ajax-api/2.0/mlflow/users/delete", { username: "bo" }],
    ]);
    expect(calls.every((c) => c.headers["X-CSRF-Token"] === "tok")).toBe(true);
  });

  it("raises the server's 400 message for a weak password", async () => {
    fakeServer(() => json({ error_code: "INVALID_PARAMETER_VALUE", message: "Password is too short." }, 400));
    const error = await createUser("bo", "x").catch((exc: unknown) => exc);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(400);
    expect((error as ApiError).message).toBe("Password is too short.");
  });

  it("sends the current password only when given", async () => {
    const calls = fakeServer();
    await updatePassword("ana", "new-password-22", "old-password-11");
    await updatePassword("bo", "new-password-33");
    expect(calls.map((c) => c.body)).toEqual([
      { username: "ana", password: "new-password-22", current_password: "old-password-11" },
      { username: "bo", password: "new-password-33" },
    ]);
    expect(calls[0]).toMatchObject({ method: "PATCH", url: "/ajax-api/2.0/mlflow/users/update-password" });
  });
});

describe("grants", () => {
  it("lists a user's grants from the 3.0 route", async () => {
    const permissions = [{ resource_type: "experiment", resource_pattern: "7", permission: "READ" }];
    const calls = fakeServer(() => json({ is_admin: false, permissions }));
    expect(await listGrants("bo b")).toEqual(permissions);
    expect(calls[0]?.url).toBe("/ajax-api/3.0/mlflow/users/permissions/list?username=bo+b");
  });

  it("grants and revokes on an experiment or a registered model", async () => {
    const calls = fakeServer();
    await grantPermission("bo", "experiment", "7", "READ");
    await revokePermission("bo", "registered_model", "churn");
    expect(calls.map((c) => [c.method, c.url, c.body])).toEqual([
      [
        "POST",
        "/ajax-api/3.0/mlflow/users/permissions/grant",
        { username: "bo", resource_type: "experiment", resource_id: "7", permission: "READ" },
      ],
      [
        "POST",
        "/ajax-api/3.0/mlflow/users/permissions/revoke",
        { username: "bo", resource_type: "registered_model", resource_id: "churn" },
      ],
    ]);
  });
});

describe("access tokens", () => {
  it("creates (secret returned once), lists and revokes by id", async () => {
    const listed = [{ id: 3, name: "ci", created_time: 1700000000000 }];
    const calls = fakeServer((url) => json(url.endsWith("/create") ? { token: "rh_secret", name: "ci" } : { tokens: listed }));
    expect(await createToken("ci")).toEqual({ token: "rh_secret", name: "ci" });
    expect(await listTokens()).toEqual(listed);
    await revokeToken(3);
    expect(calls.map((c) => [c.method, c.url, c.body])).toEqual([
      ["POST", "/ajax-api/2.0/runhub/access-tokens/create", { name: "ci" }],
      ["GET", "/ajax-api/2.0/runhub/access-tokens/list", undefined],
      ["DELETE", "/ajax-api/2.0/runhub/access-tokens/revoke", { id: 3 }],
    ]);
  });

  it("reads an empty list when the server leaves the field out", async () => {
    fakeServer(() => json({}));
    expect(await listTokens()).toEqual([]);
    expect(await listUsers()).toEqual([]);
    expect(await listGrants("bo")).toEqual([]);
  });
});
