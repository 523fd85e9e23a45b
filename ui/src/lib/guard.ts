// Switching accounts must never show the previous account's rows, not even for a frame:
// data is kept together with the account it was loaded for, and a view renders it only
// while that account is still the selected one.

export interface ForAccount<T> {
  accountId: string;
  data: T;
}

export function forSelected<T>(loaded: ForAccount<T> | null, selected: string | null): T | null {
  return loaded !== null && selected !== null && loaded.accountId === selected ? loaded.data : null;
}
