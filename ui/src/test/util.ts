// Helpers for component tests.

import { flushSync } from "svelte";
import { expect } from "vitest";

/** Resolves once the UI has settled on a condition (each step lets pending IPC answer). */
export async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 100 && !condition(); i++) {
    await new Promise((resolve) => setTimeout(resolve, 0));
    flushSync();
  }
  expect(condition()).toBe(true);
}

/** A promise and the function that settles it, to hold back one IPC answer. */
export function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve: (value: T) => void = () => {};
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/** jsdom has no ResizeObserver (bind:clientHeight uses it); nothing is laid out there anyway. */
export function stubResizeObserver(): void {
  globalThis.ResizeObserver ??= class {
    observe() {}
    unobserve() {}
    disconnect() {}
  };
}
