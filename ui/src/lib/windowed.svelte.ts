// A long cached list read a window at a time: the virtual list says which rows are in
// view, this asks the core for them plus a margin (in chunks), and keeps what came back.
// The core filters, searches, sorts and counts (SQL), so a 10,000-row list never crosses
// IPC whole. A new query starts over; an answer to an older query is dropped.

import type { Window } from "./bindings/Window";

/** The parts of a `Windowed<T>` answer this needs. */
export interface WindowAnswer<T> {
  rows: T[];
  offset: number;
  matching: number;
  total: number;
  permitted: boolean;
  last_synced: string | null;
}

/** Rows per request: a window of 10 to 20 visible rows plus the margin fits in one or two. */
export const CHUNK = 100;
/** Rows fetched beyond each end of what is in view. */
export const MARGIN = 50;

/** The chunks rows `first` to `last` (exclusive), widened by `margin`, fall into. */
export function chunksFor(first: number, last: number, matching: number, margin = MARGIN, chunk = CHUNK): number[] {
  if (matching <= 0 || last <= first) return [];
  const from = Math.max(0, first - margin);
  const to = Math.min(matching, last + margin);
  const out: number[] = [];
  for (let c = Math.floor(from / chunk); c * chunk < to; c++) out.push(c);
  return out;
}

export class WindowedList<T> {
  /** The filtered list's rows by position; a hole is a row not fetched yet. */
  rows = $state.raw<(T | undefined)[]>([]);
  matching = $state(0);
  total = $state(0);
  permitted = $state(true);
  /** True once the current query's first answer is in. */
  ready = $state(false);
  /** Whose rows these are (an account id, or "" for the profile's merged list): a view
   * shows them only while that is still the account it shows (see guard.ts). */
  owner = $state<string | null>(null);
  error = $state<unknown>(null);

  #fetch: (window: Window) => Promise<WindowAnswer<T>>;
  #generation = 0;
  // Bookkeeping of the chunks asked for, not state the page renders.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  #asked = new Set<number>();
  #view: [number, number] = [0, 20];
  #settled: Promise<void> = Promise.resolve();

  constructor(fetch: (window: Window) => Promise<WindowAnswer<T>>) {
    this.#fetch = fetch;
  }

  /** Starts over with a new fetch (a new query, a sync, another account). The same
   * owner's old rows stay until the first answer, so the list does not flash empty while
   * typing; another owner's go at once. */
  reset(owner: string, fetch: (window: Window) => Promise<WindowAnswer<T>>): Promise<void> {
    this.#fetch = fetch;
    this.#generation += 1;
    this.#asked.clear();
    if (owner !== this.owner) {
      this.owner = owner;
      this.rows = [];
      this.matching = 0;
      this.total = 0;
      this.ready = false;
    }
    const [first, last] = this.#view;
    this.#settled = this.#load(Math.floor(Math.max(0, first - MARGIN) / CHUNK), true).then(() => {
      this.ensure(first, last);
    });
    return this.#settled;
  }

  /** Resolves when the latest reset's first answer is in (rejects if it failed). */
  settled(): Promise<void> {
    return this.#settled;
  }

  /** Rows `first` to `last` (exclusive) are in view: fetch what is missing around them. */
  ensure(first: number, last: number): void {
    this.#view = [first, last];
    if (!this.ready) return;
    for (const c of chunksFor(first, last, this.matching)) {
      if (!this.#asked.has(c)) void this.#load(c, false);
    }
  }

  /** Fetches one chunk and waits for it (e.g. to show a row found by its position). */
  async fetchAt(index: number): Promise<T | undefined> {
    const c = Math.floor(index / CHUNK);
    if (this.rows[index] === undefined) await this.#load(c, false);
    return this.rows[index];
  }

  async #load(chunk: number, fresh: boolean): Promise<void> {
    const generation = this.#generation;
    this.#asked.add(chunk);
    try {
      const answer = await this.#fetch({ offset: chunk * CHUNK, limit: CHUNK });
      if (generation !== this.#generation) return;
      const next: (T | undefined)[] = fresh ? new Array<T | undefined>(answer.matching) : this.rows.slice();
      next.length = answer.matching;
      answer.rows.forEach((row, i) => {
        if (answer.offset + i < answer.matching) next[answer.offset + i] = row;
      });
      this.rows = next;
      this.matching = answer.matching;
      this.total = answer.total;
      this.permitted = answer.permitted;
      this.error = null;
      this.ready = true;
    } catch (err) {
      if (generation !== this.#generation) return;
      this.#asked.delete(chunk);
      this.error = err;
      throw err;
    }
  }
}
