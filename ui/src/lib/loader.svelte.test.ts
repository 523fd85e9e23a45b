// A view's data: loaded for the account it shows, re-loaded after each sync, and an
// answer that came with the start shown at once without asking again.

import { describe, expect, it } from "vitest";
import { flushSync } from "svelte";
import { app } from "./app.svelte";
import type { ForAccount } from "./guard";
import { loadForAccount } from "./loader.svelte";
import { until } from "../test/util";

function view(first: ForAccount<string> | null) {
  const state = $state({ account: "a-1" });
  const asked: string[] = [];
  let loaded!: ReturnType<typeof loadForAccount<string>>;
  const cleanup = $effect.root(() => {
    loaded = loadForAccount(
      () => state.account,
      async (id) => {
        asked.push(id);
        return `figures of ${id}, generation ${app.generation}`;
      },
      first,
    );
  });
  flushSync();
  return { state, asked, loaded, cleanup };
}

describe("loadForAccount", () => {
  it("asks the core for the shown account, and again after a sync", async () => {
    const { asked, loaded, cleanup } = view(null);
    expect(loaded.data).toBeNull();
    await until(() => loaded.data !== null);
    expect(asked).toEqual(["a-1"]);
    app.generation += 1;
    flushSync();
    await until(() => asked.length === 2);
    expect(asked).toEqual(["a-1", "a-1"]);
    cleanup();
  });

  it("shows an answer that came with the start at once, and asks only after the next sync", async () => {
    const { state, asked, loaded, cleanup } = view({ accountId: "a-1", data: "from the start" });
    expect(loaded.data).toBe("from the start");
    expect(asked).toEqual([]);
    app.generation += 1;
    flushSync();
    await until(() => loaded.data !== "from the start");
    expect(asked).toEqual(["a-1"]);
    // Another account is asked for at once.
    state.account = "a-2";
    flushSync();
    await until(() => asked.length === 2);
    expect(asked).toEqual(["a-1", "a-2"]);
    cleanup();
  });

  it("never shows the start's answer for another account", async () => {
    const { asked, loaded, cleanup } = view({ accountId: "a-9", data: "someone else's" });
    expect(loaded.data).toBeNull();
    await until(() => loaded.data !== null);
    expect(asked).toEqual(["a-1"]);
    expect(loaded.data).toContain("figures of a-1");
    cleanup();
  });
});
