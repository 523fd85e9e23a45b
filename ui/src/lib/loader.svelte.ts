// Loads one account's data for a view and re-loads it after each sync. What it returns
// is only ever the data of the account the view shows now (see guard.ts).

import { asErrorInfo } from "./api";
import { app } from "./app.svelte";
import type { ErrorInfo } from "./bindings/ErrorInfo";
import { forSelected, type ForAccount } from "./guard";

export interface Loaded<T> {
  /** The data of the current account, or null while it loads. */
  readonly data: T | null;
  /** Why loading the current account's data failed, if it did. */
  readonly error: ErrorInfo | null;
  retry(): void;
}

export function loadForAccount<T>(
  accountId: () => string,
  load: (accountId: string) => Promise<T>,
  /** An answer that came before the view did (the start's dashboard): shown at once and
   *  not asked for again until the next sync. */
  first: ForAccount<T> | null = null,
): Loaded<T> {
  const state = $state<{ loaded: ForAccount<T> | null; failed: ForAccount<ErrorInfo> | null }>({
    loaded: first,
    failed: null,
  });
  let attempt = $state(0);
  let answered = first?.accountId ?? null;

  $effect(() => {
    const id = accountId();
    void app.generation;
    void attempt;
    const fresh = answered === id;
    answered = null;
    if (fresh) return;
    load(id)
      .then((data) => {
        // A slower answer for an account no longer shown is dropped.
        if (id === accountId()) {
          state.loaded = { accountId: id, data };
          state.failed = null;
        }
      })
      .catch((err) => {
        if (id === accountId()) state.failed = { accountId: id, data: asErrorInfo(err) };
      });
  });

  return {
    get data() {
      return forSelected(state.loaded, accountId());
    },
    get error() {
      return forSelected(state.failed, accountId());
    },
    retry() {
      attempt += 1;
    },
  };
}
