import { afterEach, describe, expect, it } from "vitest";
import { flushSync, mount, unmount } from "svelte";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import AccountSwitcher from "./AccountSwitcher.svelte";
import { app } from "../lib/app.svelte";
import type { AccountSummary } from "../lib/bindings/AccountSummary";
import { until } from "../test/util";

function summary(id: string, name: string, isOwn: boolean, role: string, overdue: number): AccountSummary {
  return {
    account: { id, customer_number: id.slice(4), name, is_own: isOwn, role: { name: role, permissions: [] } },
    last_synced: null,
    overdue_count: overdue,
  };
}

const key = (target: Element, k: string) => {
  target.dispatchEvent(new KeyboardEvent("keydown", { key: k, bubbles: true }));
  flushSync();
};

afterEach(() => clearMocks());

describe("account switcher", () => {
  it("lists every account and switches with the keyboard", async () => {
    const selected: string[] = [];
    mockIPC((cmd, args) => {
      if (cmd === "select_account") selected.push((args as { accountId: string }).accountId);
      return null;
    });
    app.accounts = [
      summary("acc-100001", "Müller Webdesign", true, "Full Access", 2),
      summary("acc-200002", "Bäckerei Schmidt GmbH", false, "Accounting", 0),
    ];
    app.selected = "acc-100001";
    const target = document.createElement("div");
    document.body.append(target);
    const component = mount(AccountSwitcher, { target });
    flushSync();

    const button = target.querySelector<HTMLButtonElement>("[data-testid=account-switcher]");
    expect(button?.textContent).toContain("Müller Webdesign");
    key(button!, "ArrowDown");
    await until(() => document.activeElement?.getAttribute("role") === "listbox");

    const options = [...target.querySelectorAll("[data-testid=account-option]")];
    expect(options.map((o) => o.getAttribute("data-account-id"))).toEqual(["acc-100001", "acc-200002"]);
    expect(options[0]?.textContent).toContain("2 overdue");
    expect(options[1]?.textContent).toContain("Shared · Accounting");

    const listbox = target.querySelector("[role=listbox]")!;
    key(listbox, "ArrowDown");
    expect(listbox.getAttribute("aria-activedescendant")).toBe("account-option-1");
    key(listbox, "Enter");
    await until(() => selected.length === 1);
    expect(selected).toEqual(["acc-200002"]);
    expect(app.selected).toBe("acc-200002");
    expect(target.querySelector("[role=listbox]")).toBeNull();
    expect(document.activeElement).toBe(button);

    // Escape closes without switching.
    key(button!, "ArrowDown");
    await until(() => target.querySelector("[role=listbox]") !== null);
    key(target.querySelector("[role=listbox]")!, "Escape");
    expect(target.querySelector("[role=listbox]")).toBeNull();
    expect(app.selected).toBe("acc-200002");

    unmount(component);
    target.remove();
  });
});
