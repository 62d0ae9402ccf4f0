import { describe, expect, it } from "vitest";
import { orderByClause, parseColumn } from "../src/lib/columns";
import { experimentFilter } from "../src/lib/experimentQuery";
import {
  DEFAULT_QUERY,
  parseRunQuery,
  runQueryParams,
  serverFilter,
  serverOrderBy,
  toggleSort,
} from "../src/lib/runQuery";

describe("run query in the URL", () => {
  it("round-trips every field", () => {
    const query = {
      filter: "metrics.acc > 0.9 AND params.lr = '0.1'",
      sort: "metrics.val acc",
      desc: false,
      status: "FAILED" as const,
      view: "ALL" as const,
      columns: ["metrics.acc", "params.lr", "tags.team"],
      selected: ["a1", "b2"],
    };
    const params = runQueryParams(query);
    expect(parseRunQuery(new URLSearchParams(params.toString()))).toEqual(query);
  });

  it("writes nothing for the defaults and reads them back", () => {
    expect(runQueryParams(DEFAULT_QUERY).toString()).toBe("");
    expect(parseRunQuery(new URLSearchParams(""))).toEqual(DEFAULT_QUERY);
  });

  it("ignores unknown status and view values", () => {
    const query = parseRunQuery(new URLSearchParams("status=BOGUS&view=NOPE"));
    expect(query.status).toBe("");
    expect(query.view).toBe("ACTIVE_ONLY");
  });

  it("keeps an explicitly empty column list", () => {
    expect(parseRunQuery(new URLSearchParams("cols=")).columns).toEqual([]);
  });
});

describe("server search", () => {
  it("adds the status without letting an OR swallow it", () => {
    const query = { ...DEFAULT_QUERY, filter: "params.a = '1' OR params.a = '2'", status: "RUNNING" as const };
    expect(serverFilter(query)).toBe("(params.a = '1' OR params.a = '2') AND attributes.status = 'RUNNING'");
    expect(serverFilter({ ...DEFAULT_QUERY, status: "FINISHED" })).toBe("attributes.status = 'FINISHED'");
    expect(serverFilter({ ...DEFAULT_QUERY, filter: "  metrics.x > 1 " })).toBe("metrics.x > 1");
  });

  it("quotes keys in order_by", () => {
    expect(serverOrderBy({ ...DEFAULT_QUERY, sort: "metrics.val acc", desc: true })).toEqual([
      "metrics.`val acc` DESC",
    ]);
    expect(orderByClause(parseColumn("attributes.start_time")!, false)).toBe("attributes.start_time ASC");
    expect(serverOrderBy(DEFAULT_QUERY)).toEqual([]);
  });

  it("sorts a new column descending and flips the same column", () => {
    const first = toggleSort(DEFAULT_QUERY, "metrics.acc");
    expect([first.sort, first.desc]).toEqual(["metrics.acc", true]);
    const second = toggleSort(first, "metrics.acc");
    expect([second.sort, second.desc]).toEqual(["metrics.acc", false]);
  });

  it("rejects malformed column ids", () => {
    expect(parseColumn("acc")).toBeNull();
    expect(parseColumn("bogus.acc")).toBeNull();
    expect(parseColumn("metrics.")).toBeNull();
    expect(parseColumn("params.a.b")).toEqual({ kind: "params", key: "a.b" });
  });
});

describe("experiment search box", () => {
  it("searches names for plain words and passes filters through", () => {
    expect(experimentFilter("vision")).toBe("name ILIKE '%vision%'");
    expect(experimentFilter("tags.team = 'nlp'")).toBe("tags.team = 'nlp'");
    expect(experimentFilter("  ")).toBe("");
    expect(experimentFilter("it's")).toBe("name ILIKE '%it\\'s%'");
  });
});
