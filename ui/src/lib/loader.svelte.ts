// Loads one account's data for a view and re-loads it after each sync. What it returns
// is only ever the data of the account the view shows now (see guard.ts).

import { asErrorInfo } from "./api";
import { app } from "./app.svelte";
import type { ErrorInfo } from "./bindings/ErrorInfo";
import { forSelected, type ForAccount } from "./guard";

export function loadForAccount<T>(
  accountId: () => string,
  load: (accountId: string) => Promise<T>,
): { readonly data: T | null; readonly error: ErrorInfo | null } {
  const state = $state<{ loaded: ForAccount<T> | null; error: ErrorInfo | null }>({
    loaded: null,
    error: null,
  });
  $effect(() => {
    const id = accountId();
    void app.generation;
    load(id)
      .then((data) => {
        // A slower answer for an account no longer shown is dropped.
        if (id === accountId()) {
          state.loaded = { accountId: id, data };
          state.error = null;
        }
      })
      .catch((err) => {
        if (id === accountId()) state.error = asErrorInfo(err);
      });
  });
  return {
    get data() {
      return forSelected(state.loaded, accountId());
    },
    get error() {
      return state.error;
    },
  };
}
