import { afterEach, describe, expect, it } from "vitest";
import { flushSync, mount, unmount } from "svelte";
import VirtualListHarness from "../test/VirtualListHarness.svelte";

import { stubResizeObserver } from "../test/util";

stubResizeObserver();

let component: ReturnType<typeof mount> | null = null;
afterEach(() => {
  if (component) unmount(component);
  component = null;
});

function setup(count: number) {
  const target = document.createElement("div");
  document.body.appendChild(target);
  const activated: number[] = [];
  const items = Array.from({ length: count }, (_, i) => `item-${i}`);
  component = mount(VirtualListHarness, { target, props: { items, onactivate: (_: string, i: number) => activated.push(i) } });
  flushSync();
  const listbox = target.querySelector<HTMLElement>("[role=listbox]")!;
  const rows = () => [...target.querySelectorAll<HTMLElement>("[role=option]")];
  const key = (k: string) => {
    listbox.dispatchEvent(new KeyboardEvent("keydown", { key: k, bubbles: true, cancelable: true }));
    flushSync();
  };
  return { target, listbox, rows, key, activated };
}

describe("mailsetup: virtual list", () => {
  it("renders a bounded number of rows for 10,000 items", () => {
    const { rows, listbox } = setup(10_000);
    // 10 rows in view (the fallback before layout) plus 6 overscan below.
    expect(rows().length).toBeLessThanOrEqual(30);
    expect(rows().length).toBeGreaterThan(5);
    expect(rows()[0]!.getAttribute("aria-setsize")).toBe("10000");
    expect(rows()[0]!.getAttribute("aria-posinset")).toBe("1");
    // The scroll area is as tall as all rows together.
    const spacer = listbox.firstElementChild as HTMLElement;
    expect(spacer.style.height).toBe(`${10_000 * 40}px`);
  });

  it("moves with the keyboard, keeps the active row rendered, and activates with Enter", () => {
    const { rows, key, listbox, activated } = setup(10_000);
    key("ArrowDown");
    expect(listbox.getAttribute("aria-activedescendant")).toBe("t-0");
    key("ArrowDown");
    key("ArrowDown");
    key("ArrowUp");
    expect(listbox.getAttribute("aria-activedescendant")).toBe("t-1");
    key("End");
    expect(listbox.getAttribute("aria-activedescendant")).toBe("t-9999");
    const last = rows().find((r) => r.id === "t-9999");
    expect(last?.getAttribute("aria-selected")).toBe("true");
    expect(last?.textContent).toContain("item-9999");
    expect(rows().length).toBeLessThanOrEqual(30);
    key("Enter");
    expect(activated).toEqual([9999]);
    key("Home");
    expect(listbox.getAttribute("aria-activedescendant")).toBe("t-0");
    key("PageDown");
    expect(listbox.getAttribute("aria-activedescendant")).toBe("t-9");
    key(" ");
    expect(activated).toEqual([9999, 9]);
  });

  it("renders the rows of where it is scrolled to", () => {
    const { rows, listbox } = setup(10_000);
    listbox.scrollTop = 5000 * 40;
    listbox.dispatchEvent(new Event("scroll"));
    flushSync();
    const shown = rows().map((r) => Number(r.getAttribute("data-index")));
    expect(shown).toContain(5000);
    expect(shown).not.toContain(0);
    expect(rows().length).toBeLessThanOrEqual(30);
  });

  it("activates a clicked row", () => {
    const { rows, activated } = setup(50);
    rows()[3]!.querySelector("span")!.dispatchEvent(new MouseEvent("click", { bubbles: true }));
    flushSync();
    expect(activated).toEqual([3]);
  });
});
