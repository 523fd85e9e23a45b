import { describe, expect, it } from "vitest";
import { CHUNK, MARGIN, WindowedList, chunksFor, type WindowAnswer } from "./windowed.svelte";
import type { Window } from "./bindings/Window";

function source(n: number, asked: Window[]) {
  return async (w: Window): Promise<WindowAnswer<string>> => {
    asked.push(w);
    const rows = Array.from({ length: Math.max(0, Math.min(w.limit, n - w.offset)) }, (_, i) => `row ${w.offset + i}`);
    return { rows, offset: w.offset, matching: n, total: n, permitted: true, last_synced: null };
  };
}

describe("perf: windowed list", () => {
  it("covers what is in view plus the margin, in whole chunks", () => {
    expect(chunksFor(0, 12, 10_000)).toEqual([0]);
    expect(chunksFor(95, 110, 10_000)).toEqual([0, 1]);
    expect(chunksFor(5_000, 5_012, 10_000)).toEqual([(5_000 - MARGIN) / CHUNK | 0, 50]);
    expect(chunksFor(9_990, 10_000, 10_000)).toEqual([99]);
    expect(chunksFor(0, 10, 0)).toEqual([]);
  });

  it("fetches the first window, then only the chunks scrolled to, each once", async () => {
    const asked: Window[] = [];
    const list = new WindowedList<string>(source(10_000, asked));
    await list.reset("acc-1", source(10_000, asked));
    expect(list.matching).toBe(10_000);
    expect(list.rows.length).toBe(10_000);
    expect(list.rows[0]).toBe("row 0");
    expect(list.rows[500]).toBeUndefined();
    expect(asked).toEqual([{ offset: 0, limit: CHUNK }]);

    list.ensure(5_000, 5_012);
    list.ensure(5_001, 5_013);
    await Promise.resolve();
    await new Promise((r) => setTimeout(r, 0));
    expect(asked.map((w) => w.offset)).toEqual([0, 4_900, 5_000]);
    expect(list.rows[5_010]).toBe("row 5010");
    expect(asked.every((w) => w.limit === CHUNK)).toBe(true);
  });

  it("drops an answer to an older query and another owner's rows at once", async () => {
    const asked: Window[] = [];
    let release: () => void = () => {};
    const slow = (w: Window) =>
      new Promise<WindowAnswer<string>>((resolve) => {
        release = () => resolve({ rows: ["stale"], offset: w.offset, matching: 1, total: 1, permitted: true, last_synced: null });
      });
    const list = new WindowedList<string>(slow);
    await list.reset("acc-1", source(3, asked));
    const old = list.reset("acc-1", slow);
    // Same owner: the old rows stay until the answer.
    expect(list.rows[0]).toBe("row 0");
    const fresh = list.reset("acc-1", source(5, asked));
    release();
    await Promise.all([old, fresh]);
    expect(list.matching).toBe(5);
    expect(list.rows).not.toContain("stale");

    void list.reset("acc-2", slow);
    expect(list.owner).toBe("acc-2");
    expect(list.rows).toEqual([]);
    expect(list.ready).toBe(false);
  });
});
