// vitest 5 asks for Node 22, but the build machines (and CI) run Node 20, which lacks a
// few newer built-ins vitest's own process uses: without Map.groupBy every failing UI
// test was printed as "Unhandled Error: Map.groupBy is not a function" instead of its
// failure. Loaded by vite.config.ts; each is defined only where Node does not have it.

type GroupBy<C> = <T, K>(items: Iterable<T>, key: (item: T, index: number) => K) => C;

function groups<T, K>(items: Iterable<T>, key: (item: T, index: number) => K): Map<K, T[]> {
  const out = new Map<K, T[]>();
  let index = 0;
  for (const item of items) {
    const k = key(item, index++);
    const group = out.get(k);
    if (group) group.push(item);
    else out.set(k, [item]);
  }
  return out;
}

const maps = Map as unknown as { groupBy?: GroupBy<Map<unknown, unknown[]>> };
maps.groupBy ??= groups;

const objects = Object as unknown as { groupBy?: GroupBy<Record<PropertyKey, unknown[]>> };
objects.groupBy ??= (items, key) =>
  Object.assign(Object.create(null), Object.fromEntries(groups(items, (item, i) => key(item, i) as PropertyKey)));

const promises = Promise as unknown as {
  withResolvers?: <T>() => { promise: Promise<T>; resolve: (value: T) => void; reject: (reason?: unknown) => void };
};
promises.withResolvers ??= <T>() => {
  let resolve!: (value: T) => void;
  let reject!: (reason?: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
};
