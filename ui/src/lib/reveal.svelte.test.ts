// The one rule the invoice, domain and mailbox lists share for an opened alert's row.

import { describe, expect, it } from "vitest";
import { flushSync } from "svelte";
import { revealAlertRow } from "./reveal.svelte";
import { until } from "../test/util";

/** A list of keys behind an optional search, as the core would answer positions. */
function fakeList(keys: string[]) {
  const state = $state({ target: null as string | null, ready: false, search: "" });
  const calls: string[] = [];
  const shown: number[] = [];
  const matching = () => keys.filter((k) => k.includes(state.search));
  const cleanup = $effect.root(() => {
    revealAlertRow({
      target: () => state.target,
      ready: () => state.ready,
      position: async (key) => {
        calls.push(`position ${key} search=${state.search}`);
        const index = matching().indexOf(key);
        return index < 0 ? null : index;
      },
      narrowed: () => state.search !== "",
      clearFilters: () => {
        calls.push("clear");
        state.search = "";
      },
      settled: async () => {
        calls.push("settled");
      },
      show: (index) => {
        shown.push(index);
      },
    });
  });
  return { state, calls, shown, cleanup };
}

describe("revealAlertRow", () => {
  it("waits for the list, then shows the alert's row where the current query has it", async () => {
    const list = fakeList(["a", "b", "c"]);
    list.state.target = "c";
    flushSync();
    expect(list.calls).toEqual([]);
    list.state.ready = true;
    flushSync();
    await until(() => list.shown.length === 1);
    expect(list.shown).toEqual([2]);
    expect(list.calls).toEqual(["position c search="]);
    list.cleanup();
  });

  it("clears a search that hides the row, waits for the new answer and shows it there", async () => {
    const list = fakeList(["anna", "bert", "carl"]);
    list.state.search = "b";
    list.state.ready = true;
    list.state.target = "carl";
    flushSync();
    await until(() => list.shown.length === 1);
    expect(list.calls).toEqual(["position carl search=b", "clear", "position carl search=", "settled"]);
    expect(list.shown).toEqual([2]);
    expect(list.state.search).toBe("");
    list.cleanup();
  });

  it("serves each alert once and a different alert again", async () => {
    const list = fakeList(["a", "b"]);
    list.state.ready = true;
    list.state.target = "a";
    flushSync();
    await until(() => list.shown.length === 1);
    list.state.ready = false;
    flushSync();
    list.state.ready = true;
    flushSync();
    list.state.target = "b";
    flushSync();
    await until(() => list.shown.length === 2);
    expect(list.shown).toEqual([0, 1]);
    expect(list.calls).toEqual(["position a search=", "position b search="]);
    list.cleanup();
  });

  it("leaves the filters alone when the row is not in the list at all", async () => {
    const list = fakeList(["a"]);
    list.state.ready = true;
    list.state.target = "gone";
    flushSync();
    await until(() => list.calls.length === 1);
    expect(list.calls).toEqual(["position gone search="]);
    expect(list.shown).toEqual([]);
    list.cleanup();
  });
});
