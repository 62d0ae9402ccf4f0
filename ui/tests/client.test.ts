import { afterEach, describe, expect, it } from "vitest";
import { ApiError, errorFromResponse, get, post, queryString, setFetcher } from "../src/api/client";
import { getHistories } from "../src/api/tracking";

interface Call {
  url: string;
  init: RequestInit | undefined;
}

function fakeServer(reply: (url: string) => Response): Call[] {
  const calls: Call[] = [];
  setFetcher(async (url, init) => {
    calls.push({ url, init });
    return reply(url);
  });
  return calls;
}

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });

afterEach(() => setFetcher((input, init) => fetch(input, init)));

describe("queryString", () => {
  it("repeats list keys and leaves out undefined values", () => {
    expect(queryString({ run_ids: ["a", "b"], metric_key: "loss", end_step: undefined, n: 5 })).toBe(
      "run_ids=a&run_ids=b&metric_key=loss&n=5",
    );
  });
});

describe("errors", () => {
  it("carries the server's error code and message", () => {
    const error = errorFromResponse(
      400,
      "Bad Request",
      '{"error_code":"INVALID_PARAMETER_VALUE","message":"Invalid clause(s) in filter string"}',
    );
    expect(error).toBeInstanceOf(ApiError);
    expect(error.status).toBe(400);
    expect(error.errorCode).toBe("INVALID_PARAMETER_VALUE");
    expect(error.message).toBe("Invalid clause(s) in filter string");
  });

  it("describes a non-JSON failure by its status line", () => {
    const error = errorFromResponse(502, "Bad Gateway", "<html>upstream down</html>");
    expect(error.errorCode).toBe("HTTP_ERROR");
    expect(error.message).toContain("HTTP 502 Bad Gateway");
  });

  it("turns a network failure into a clear message", async () => {
    setFetcher(async () => {
      throw new TypeError("Failed to fetch");
    });
    await expect(get("/runs/get", { run_id: "x" })).rejects.toMatchObject({
      errorCode: "NETWORK_ERROR",
      message: "Cannot reach the server (Failed to fetch).",
    });
  });

  it("rejects with the parsed error on a 404", async () => {
    fakeServer(() => json({ error_code: "RESOURCE_DOES_NOT_EXIST", message: "Run with id=x not found" }, 404));
    await expect(get("/runs/get", { run_id: "x" })).rejects.toMatchObject({
      status: 404,
      message: "Run with id=x not found",
    });
  });
});

describe("requests", () => {
  it("posts JSON to the ajax-api mirror", async () => {
    const calls = fakeServer(() => json({ runs: [] }));
    await post("/runs/search", { experiment_ids: ["1"] });
    expect(calls[0]!.url).toBe("/ajax-api/2.0/mlflow/runs/search");
    expect(calls[0]!.init?.method).toBe("POST");
    expect(new Headers(calls[0]!.init?.headers).get("Content-Type")).toBe("application/json");
    expect(calls[0]!.init?.body).toBe('{"experiment_ids":["1"]}');
  });

  it("treats an empty body as an empty object", async () => {
    fakeServer(() => new Response("", { status: 200 }));
    await expect(post("/runs/delete", { run_id: "x" })).resolves.toEqual({});
  });

  it("asks for histories 100 runs per call and groups points by run", async () => {
    const calls = fakeServer((url) => {
      const ids = new URL(url, "http://x").searchParams.getAll("run_ids");
      return json({ metrics: ids.map((id, i) => ({ key: "loss", value: i, step: 0, timestamp: 1, run_id: id })) });
    });
    const ids = Array.from({ length: 250 }, (_, i) => `r${i}`);
    const byRun = await getHistories({ runIds: ids, metricKey: "loss", maxResults: 99_999 });
    expect(calls).toHaveLength(3);
    const counts = calls.map((c) => new URL(c.url, "http://x").searchParams.getAll("run_ids").length);
    expect(counts).toEqual([100, 100, 50]);
    expect(new URL(calls[0]!.url, "http://x").searchParams.get("max_results")).toBe("2500");
    expect(byRun.size).toBe(250);
    expect(byRun.get("r249")).toHaveLength(1);
  });
});
