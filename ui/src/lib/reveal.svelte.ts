// An opened alert names one row of a windowed list (an invoice, a domain, a mailbox).
// The list holds only the rows in view, so the row is found by asking the core for its
// position under the list's query; a filter or search that hides it is cleared first.
// The shell's Highlight marks the row once it is in the DOM.

import { tick } from "svelte";

export interface RevealAlertRow {
  /** The key of the row the open alert names in this view, or null. */
  target: () => string | null;
  /** True once the list is mounted and shows the current account's rows. */
  ready: () => boolean;
  /** The row's position under the list's current query, or null if it does not match. */
  position: (key: string) => Promise<number | null>;
  /** True when a filter or a search narrows the list. */
  narrowed: () => boolean;
  /** Clears every filter and the search. */
  clearFilters: () => void;
  /** Resolves once the list has the answer to its current query. */
  settled: () => Promise<void>;
  /** Makes row `index` the active one (and whatever else the view does with it). */
  show: (index: number) => void | Promise<void>;
}

/** Brings each newly opened alert's row into view, once per alert. Call it while a
 * component initialises: it registers an effect. */
export function revealAlertRow(options: RevealAlertRow): void {
  let served: string | null = null;
  $effect(() => {
    const key = options.target();
    if (!key || key === served || !options.ready()) return;
    served = key;
    void (async () => {
      let index = await options.position(key);
      if (index === null && options.narrowed()) {
        options.clearFilters();
        index = await options.position(key);
        // The cleared query starts the list over: show the row once its answer is in.
        await tick();
        await options.settled();
      }
      if (index !== null) await options.show(index);
    })().catch(() => {
      // Asked again when the alert is opened again.
      served = null;
    });
  });
}
