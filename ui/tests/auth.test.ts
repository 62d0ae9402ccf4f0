import { afterEach, describe, expect, it } from "vitest";
import { authStatus, signIn, signOut } from "../src/api/auth";
import { get, onUnauthenticated, post, setCsrfToken, setFetcher } from "../src/api/client";

interface Call {
  url: string;
  headers: Record<string, string>;
}

function fakeServer(reply: (url: string) => Response): Call[] {
  const calls: Call[] = [];
  setFetcher(async (url, init) => {
    calls.push({ url, headers: { ...(init?.headers as Record<string, string> | undefined) } });
    return reply(url);
  });
  return calls;
}

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });

const user = { id: 1, username: "ana", is_admin: false };

afterEach(() => {
  setFetcher((input, init) => fetch(input, init));
  setCsrfToken(null);
  onUnauthenticated(null);
});

describe("CSRF token", () => {
  it("is sent on writes after sign-in, never on reads, and dropped at sign-out", async () => {
    const calls = fakeServer((url) => json(url.endsWith("/sign-in") ? { user, csrf_token: "tok-1" } : {}));
    await post("/experiments/create", { name: "before" });
    expect(calls).toHaveLength(1);
    expect(calls[0]?.headers["X-CSRF-Token"]).toBeUndefined();

    expect(await signIn("ana", "anas-password-1")).toEqual(user);
    await post("/experiments/create", { name: "x" });
    await get("/experiments/get", { experiment_id: "0" });
    expect(calls[2]?.headers["X-CSRF-Token"]).toBe("tok-1");
    expect(calls[3]?.headers["X-CSRF-Token"]).toBeUndefined();

    await signOut();
    await post("/experiments/create", { name: "after" });
    expect(calls).toHaveLength(6);
    expect(calls[5]?.headers["Content-Type"]).toBe("application/json");
    expect(calls[5]?.headers["X-CSRF-Token"]).toBeUndefined();
  });

  it("comes from the status call on a page load", async () => {
    const calls = fakeServer((url) => json(url.endsWith("/status") ? { user, csrf_token: "tok-2" } : {}));
    expect(await authStatus()).toEqual(user);
    await post("/runs/create", {});
    expect(calls).toHaveLength(2);
    expect(calls[1]?.headers["X-CSRF-Token"]).toBe("tok-2");
  });
});

describe("auth status", () => {
  it("is open without auth (no such route) and signed-out on 401, which the listener hears", async () => {
    let heard = 0;
    onUnauthenticated(() => heard++);
    fakeServer(() => json({ error_code: "ENDPOINT_NOT_FOUND", message: "no route" }, 404));
    expect(await authStatus()).toBe("open");
    expect(heard).toBe(0);
    fakeServer(() => json({ error_code: "UNAUTHENTICATED", message: "sign in" }, 401));
    expect(await authStatus()).toBe("signed-out");
    expect(heard).toBe(1);
  });
});
