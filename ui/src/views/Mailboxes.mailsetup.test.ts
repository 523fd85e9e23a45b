import { afterEach, describe, expect, it } from "vitest";
import { flushSync, mount, unmount } from "svelte";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import Mailboxes from "./Mailboxes.svelte";
import type { Mailbox } from "../lib/bindings/Mailbox";
import type { MailboxQuery } from "../lib/bindings/MailboxQuery";
import { alerts } from "../lib/alerts.svelte";
import { app } from "../lib/app.svelte";
import { stubResizeObserver, until } from "../test/util";

stubResizeObserver();

const GB = 1024 ** 3;

function many(count: number): Mailbox[] {
  return Array.from({ length: count }, (_, i) => ({
    address: `user.${String(i).padStart(5, "0")}@${i % 2 ? "b.de" : "a.de"}`,
    name: `User ${i}`,
    quota_bytes: 2 * GB,
    used_bytes: ((i * 37) % 100) * 0.02 * GB,
    active: i % 11 !== 10,
  }));
}

let component: ReturnType<typeof mount> | null = null;
afterEach(() => {
  if (component) unmount(component);
  component = null;
  alerts.highlight = null;
  clearMocks();
});

/** What the core's windowed queries answer (store/window.rs), over `mailboxes` in JS. */
function selected(mailboxes: Mailbox[], q: MailboxQuery): Mailbox[] {
  const search = q.search.trim().toLowerCase();
  const usage = (m: Mailbox) => (m.quota_bytes > 0 ? m.used_bytes / m.quota_bytes : -1);
  const rows = mailboxes.filter(
    (m) =>
      (q.domain === null || m.address.split("@")[1] === q.domain.toLowerCase()) &&
      (!search || m.address.toLowerCase().includes(search) || m.name.toLowerCase().includes(search)),
  );
  const sign = q.descending ? -1 : 1;
  return rows.sort((a, b) => {
    const key = q.sort === "usage" ? usage(a) - usage(b) : 0;
    return sign * (key !== 0 ? key : a.address < b.address ? -1 : a.address > b.address ? 1 : 0);
  });
}

function start(mailboxes: Mailbox[], allowance: unknown = { mailboxes: 20000, storage_bytes: 40000 * GB }) {
  const calls: { cmd: string; limit?: number }[] = [];
  mockIPC((cmd, payload) => {
    const args = payload as { query: MailboxQuery; window: { offset: number; limit: number }; address: string };
    if (cmd === "mailbox_window") {
      calls.push({ cmd, limit: args.window.limit });
      const rows = selected(mailboxes, args.query);
      return {
        rows: rows.slice(args.window.offset, args.window.offset + args.window.limit),
        offset: args.window.offset,
        matching: rows.length,
        total: mailboxes.length,
        permitted: true,
        last_synced: null,
      };
    }
    if (cmd === "mailbox_position") {
      const index = selected(mailboxes, args.query).findIndex((m) => m.address === args.address);
      return index < 0 ? null : index;
    }
    if (cmd === "mailbox_totals")
      return {
        count: mailboxes.length,
        used_bytes: mailboxes.reduce((sum, m) => sum + m.used_bytes, 0),
        assigned_bytes: mailboxes.reduce((sum, m) => sum + m.quota_bytes, 0),
        nearly_full: 0,
        domains: [...new Set(mailboxes.map((m) => m.address.split("@")[1]!))].sort(),
        permitted: true,
      };
    if (cmd === "list_mailboxes") throw new Error("the whole list is not asked for");
    if (cmd === "mail_allowance") return allowance;
    if (cmd === "mail_client_config")
      return {
        servers: [{ protocol: "imap", host: "hosted.mailcow.de", port: 993, security: "tls", recommended: true }],
        username_rule: "full_email_address",
        authentication: "password",
      };
  });
  const target = document.createElement("div");
  document.body.appendChild(target);
  component = mount(Mailboxes, { target, props: { accountId: "acc-1" } });
  const rows = () => [...target.querySelectorAll<HTMLElement>("[data-testid=mailbox-row]")];
  const type = (text: string) => {
    const input = target.querySelector<HTMLInputElement>("[data-testid=mailbox-search]")!;
    input.value = text;
    input.dispatchEvent(new Event("input", { bubbles: true }));
    flushSync();
  };
  const count = () => target.querySelector("[data-testid=mailbox-count]")?.textContent?.trim();
  const select = (testid: string, value: string) => {
    const el = target.querySelector<HTMLSelectElement>(`[data-testid=${testid}]`)!;
    el.value = value;
    el.dispatchEvent(new Event("change", { bubbles: true }));
    flushSync();
  };
  return { target, rows, type, count, calls, select };
}

describe("mailsetup: mailboxes view", () => {
  it("perf: asks for windows of the list, never the whole, and searches in the cache", async () => {
    const { target, rows, type, count, calls, select } = start(many(10_000));
    await until(() => rows().length > 0);
    expect(rows().length).toBeLessThanOrEqual(30);
    expect(count()).toBe("10,000 of 10,000 mailboxes");
    // Only windows crossed: the rows in view plus a margin, a chunk at a time.
    expect(calls.length).toBeGreaterThan(0);
    expect(calls.every((c) => c.cmd === "mailbox_window" && c.limit! <= 100)).toBe(true);
    expect(target.querySelector("[data-testid=virtual-list]")?.getAttribute("data-rows")).toBe("10000");

    type("user.0999");
    await until(() => count() === "10 of 10,000 mailboxes");
    expect(rows().map((r) => r.getAttribute("data-address"))).toEqual(["user.09990@a.de", "user.09991@b.de", "user.09992@a.de", "user.09993@b.de", "user.09994@a.de", "user.09995@b.de", "user.09996@a.de", "user.09997@b.de", "user.09998@a.de", "user.09999@b.de"]);

    // Domain filter on top of the search.
    select("mailbox-domain", "a.de");
    await until(() => count() === "5 of 10,000 mailboxes");
    expect(rows().every((r) => r.getAttribute("data-address")!.endsWith("@a.de"))).toBe(true);

    type("nobody-has-this");
    await until(() => !!target.querySelector("[data-testid=mailbox-no-match]"));
    target.querySelector<HTMLButtonElement>("[data-testid=mailbox-no-match] button")!.click();
    flushSync();
    await until(() => count() === "10,000 of 10,000 mailboxes");
  });

  it("perf: an older answer to a search typed over does not replace the newer one", async () => {
    const { rows, type, count } = start(many(2_000));
    await until(() => rows().length > 0);
    type("user.00");
    type("user.0019");
    await until(() => count() === "10 of 2,000 mailboxes");
    expect(rows()[0]!.getAttribute("data-address")).toBe("user.00190@a.de");
  });

  it("sorts by usage, fullest first, and warns from 90 %", async () => {
    const { target, rows } = start([
      { address: "low@a.de", name: "Low", quota_bytes: 10 * GB, used_bytes: 1 * GB, active: true },
      { address: "full@a.de", name: "Full", quota_bytes: 10 * GB, used_bytes: 9.4 * GB, active: true },
      { address: "mid@a.de", name: "Mid", quota_bytes: 10 * GB, used_bytes: 5 * GB, active: false },
    ]);
    await until(() => rows().length === 3);
    const sort = target.querySelector<HTMLSelectElement>("[data-testid=mailbox-sort]")!;
    sort.value = "usage-desc";
    sort.dispatchEvent(new Event("change", { bubbles: true }));
    flushSync();
    await until(() => rows()[1]?.getAttribute("data-address") === "mid@a.de");
    expect(rows().map((r) => r.getAttribute("data-address"))).toEqual(["full@a.de", "mid@a.de", "low@a.de"]);
    const warned = [...target.querySelectorAll("[data-testid=mailbox-nearly-full]")].map((w) =>
      w.closest("[data-testid=mailbox-row]")?.getAttribute("data-address"),
    );
    expect(warned).toEqual(["full@a.de"]);
    expect(rows()[1]!.textContent).toContain("Inactive");
  });

  it("shows the allowance and how much of it is used", async () => {
    const { target, rows } = start(
      [
        { address: "a@a.de", name: "A", quota_bytes: 5 * GB, used_bytes: 2 * GB, active: true },
        { address: "b@a.de", name: "B", quota_bytes: 5 * GB, used_bytes: 1 * GB, active: true },
      ],
      { mailboxes: 20, storage_bytes: 20 * GB },
    );
    await until(() => rows().length === 2 && !!target.querySelector("[data-testid=allowance-mailboxes]"));
    expect(target.querySelector("[data-testid=allowance-mailboxes]")?.textContent?.trim()).toBe("2 of 20 mailboxes");
    expect(target.querySelector("[data-testid=allowance-storage]")?.textContent?.replace(/\s+/g, " ").trim()).toBe(
      "3 GB used of 20 GB storage",
    );
    expect(target.querySelector("[data-testid=mail-allowance]")?.textContent).toContain("10 GB assigned");
  });

  it("brings an alert's mailbox into view, marks it and opens its setup, even past a filter", async () => {
    app.selected = "acc-1";
    const { target, rows, type } = start(many(10_000));
    await until(() => rows().length > 0);
    type("user.00001");
    alerts.highlight = { account_id: "acc-1", target: { view: "mailboxes", address: "user.08000@a.de" } };
    await until(() => !!target.ownerDocument.querySelector("[data-testid=mailbox-setup]"));
    const row = rows().find((r) => r.getAttribute("data-address") === "user.08000@a.de");
    expect(row?.getAttribute("data-highlighted")).toBe("true");
    expect(rows().length).toBeLessThanOrEqual(30);
    expect(target.ownerDocument.querySelector("[data-testid=mailbox-setup]")?.getAttribute("data-address")).toBe(
      "user.08000@a.de",
    );
  });
});
