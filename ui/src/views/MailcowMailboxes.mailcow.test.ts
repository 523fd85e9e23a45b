import { afterEach, describe, expect, it } from "vitest";
import { flushSync, mount, unmount } from "svelte";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import MailcowMailboxes from "./MailcowMailboxes.svelte";
import type { MailboxEntry } from "../lib/bindings/MailboxEntry";
import { locale } from "../lib/i18n.svelte";
import { stubResizeObserver, until } from "../test/util";

stubResizeObserver();

const entry = (address: string, source: MailboxEntry["source"], connection: string | null, account: string | null): MailboxEntry => ({
  address,
  domain: address.split("@")[1] ?? "",
  name: address,
  quota_bytes: 1024 * 1024 * 1024,
  used_bytes: 0,
  percent: 0,
  messages: 0,
  active: true,
  last_login: null,
  source,
  connection_id: connection,
  account_id: account,
});

const rows = [
  entry("anna@example.test", "mailcow", "mailcow-0a0b", null),
  entry("info@mixed.test", "mailcow_and_portal", "mailcow-0a0b", "acc-100001"),
  entry("old@portal.test", "portal", null, "acc-100001"),
];

const q = (css: string) => document.querySelector<HTMLElement>(css);
const inRow = (address: string, id: string) => q(`[data-testid=mcb-row][data-address='${address}'] [data-testid=${id}]`);

afterEach(() => {
  clearMocks();
  locale.lang = "en";
  document.body.innerHTML = "";
});

describe("mailcow mailboxes view", () => {
  it("mailcow rows and portal rows each have the mail setup and the mail doctor; a mailcow row's files come through its connection", async () => {
    const calls: [string, unknown][] = [];
    mockIPC((cmd, args) => {
      calls.push([cmd, args]);
      switch (cmd) {
        case "mailbox_entry_window":
          return { rows, offset: 0, matching: rows.length, total: rows.length, permitted: true, last_synced: null };
        case "mailcow_domains":
        case "mailcow_aliases":
          return [];
        case "mail_client_config": {
          // A mailcow connection's own server; the hosted mailcow for a portal account.
          const managed = (args as { accountId: string | null }).accountId === "mailcow-0a0b";
          const host = managed ? "mail.example.test" : "hosted.mailcow.de";
          return { servers: [{ protocol: "imap", host, port: 993, security: "tls", recommended: true }], username_rule: "", authentication: "password" };
        }
        case "export_mail_config":
          return "/home/anna/Downloads/config.xml";
        default:
          return null;
      }
    });
    const target = document.createElement("div");
    document.body.append(target);
    const view = mount(MailcowMailboxes, { target });
    await until(() => document.querySelectorAll("[data-testid=mcb-row]").length === 3);
    for (const row of rows) {
      expect(inRow(row.address, "mcx-setup")).not.toBeNull();
      expect(inRow(row.address, "mcx-doctor")).not.toBeNull();
    }
    // A password is changed only where a mailcow can do it.
    expect(inRow("anna@example.test", "mcx-password")).not.toBeNull();
    expect(inRow("old@portal.test", "mcx-password")).toBeNull();

    inRow("anna@example.test", "mcx-setup")?.click();
    flushSync();
    await until(() => q("[data-testid=mailbox-setup]") !== null);
    expect(q("[data-testid=mailbox-setup]")?.dataset.address).toBe("anna@example.test");
    q("[data-testid=export-thunderbird]")?.click();
    await until(() => calls.some(([c]) => c === "export_mail_config"));
    expect(calls.find(([c]) => c === "export_mail_config")?.[1]).toMatchObject({
      accountId: "mailcow-0a0b",
      scope: "mailbox",
      value: "anna@example.test",
    });
    q("[data-testid=mailbox-setup-close]")?.click();
    flushSync();

    // A mixed row's files come from the portal account that reports it.
    inRow("info@mixed.test", "mcx-setup")?.click();
    flushSync();
    await until(() => q("[data-testid=export-thunderbird]") !== null);
    q("[data-testid=export-thunderbird]")?.click();
    await until(() => calls.filter(([c]) => c === "export_mail_config").length === 2);
    expect(calls.filter(([c]) => c === "export_mail_config")[1]?.[1]).toMatchObject({ accountId: "acc-100001" });
    q("[data-testid=mailbox-setup-close]")?.click();
    flushSync();

    // The doctor opens in place of the list, for the row's address, and goes back.
    inRow("old@portal.test", "mcx-doctor")?.click();
    flushSync();
    await until(() => q("[data-testid=mail-doctor]") !== null);
    expect(q("[data-testid=mail-doctor]")?.dataset.address).toBe("old@portal.test");
    expect((q("[data-testid=md-server]") as HTMLInputElement).value).toBe("hosted.mailcow.de");
    expect(q("[data-testid=mailcow-mailboxes]")).toBeNull();
    q("[data-testid=md-back]")?.click();
    await until(() => q("[data-testid=mailcow-mailboxes]") !== null);

    // A mailcow row's doctor starts on its connection's own server.
    inRow("anna@example.test", "mcx-doctor")?.click();
    flushSync();
    await until(() => q("[data-testid=mail-doctor]") !== null);
    expect((q("[data-testid=md-server]") as HTMLInputElement).value).toBe("mail.example.test");
    expect(calls.filter(([c]) => c === "mail_client_config").at(-1)?.[1]).toMatchObject({ accountId: "mailcow-0a0b" });
    unmount(view);
  });

  it("reads the list a window at a time: a search goes to the core, the count says how many match, Enter opens the row's setup", async () => {
    const windows: { query: { search: string }; window: { offset: number; limit: number } }[] = [];
    mockIPC((cmd, args) => {
      switch (cmd) {
        case "mailbox_entry_window": {
          const asked = args as (typeof windows)[number];
          windows.push(asked);
          const found = rows.filter((r) => r.address.includes(asked.query.search));
          return { rows: found, offset: 0, matching: found.length, total: rows.length, permitted: true, last_synced: null };
        }
        case "mailcow_domains":
        case "mailcow_aliases":
          return [];
        default:
          return null;
      }
    });
    const target = document.createElement("div");
    document.body.append(target);
    const view = mount(MailcowMailboxes, { target });
    await until(() => document.querySelectorAll("[data-testid=mcb-row]").length === 3);
    expect(windows[0]?.window.offset).toBe(0);
    expect(q("[data-testid=mcb-count]")?.textContent).toContain("3 of 3");

    const search = q("[data-testid=mcb-search]") as HTMLInputElement;
    search.value = "mixed";
    search.dispatchEvent(new Event("input"));
    await until(() => document.querySelectorAll("[data-testid=mcb-row]").length === 1);
    expect(windows.at(-1)?.query.search).toBe("mixed");
    expect(q("[data-testid=mcb-count]")?.textContent).toContain("1 of 3");

    // A button in a row does its own thing only; the list's Enter opens the setup.
    inRow("info@mixed.test", "mcx-doctor")?.click();
    flushSync();
    await until(() => q("[data-testid=mail-doctor]") !== null);
    q("[data-testid=md-back]")?.click();
    await until(() => q("[data-testid=virtual-list]") !== null);
    expect(q("[data-testid=mailbox-setup]")).toBeNull();
    const list = q("[data-testid=virtual-list]") as HTMLElement;
    list.focus();
    list.dispatchEvent(new KeyboardEvent("keydown", { key: "ArrowDown", bubbles: true }));
    list.dispatchEvent(new KeyboardEvent("keydown", { key: "Enter", bubbles: true }));
    flushSync();
    await until(() => q("[data-testid=mailbox-setup]") !== null);
    expect(q("[data-testid=mailbox-setup]")?.dataset.address).toBe("info@mixed.test");
    unmount(view);
  });
});
