import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { flushSync, mount, unmount } from "svelte";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import Alerts from "./Alerts.svelte";
import Highlight from "../components/Highlight.svelte";
import { app } from "../lib/app.svelte";
import { alerts, backfills, intervalText, targetRow } from "../lib/alerts.svelte";
import type { Alert } from "../lib/bindings/Alert";
import type { AlertSettings } from "../lib/bindings/AlertSettings";
import { setLanguage, t } from "../lib/i18n.svelte";
import { until } from "../test/util";

function alert(id: number, over: Partial<Alert> = {}): Alert {
  return {
    id,
    account_id: "acc-100001",
    account_name: "Müller Webdesign",
    rule: "payment_reminder",
    category: "invoices",
    severity: "warning",
    title: "Payment reminder",
    title_de: "Zahlungserinnerung",
    body: "Invoice RE-2026-000118 of €46.41 was due on 10 Nov 2026 and is still unpaid.",
    body_de: "Rechnung RE-2026-000118 über 46,41 € war am 10.11.2026 fällig und ist noch offen.",
    target: { account_id: "acc-100001", target: { view: "invoices", number: "RE-2026-000118" } },
    created_at: new Date(Date.now() - 3 * 60_000).toISOString(),
    resolved_at: null,
    read: false,
    delivery: "delivered",
    ...over,
  };
}

const list: Alert[] = [
  alert(3),
  alert(2, {
    account_id: "acc-200002",
    account_name: "Bäckerei Schmidt GmbH",
    rule: "invoice_overdue",
    title: "Invoice overdue",
    title_de: "Rechnung überfällig",
    delivery: "backfill",
    target: { account_id: "acc-200002", target: { view: "invoices", number: "RE-2026-000124" } },
  }),
  alert(1, {
    rule: "service_suspended",
    category: "services",
    severity: "critical",
    title: "Service suspended",
    title_de: "Dienst gesperrt",
    read: true,
    resolved_at: new Date().toISOString(),
    target: { account_id: "acc-100001", target: { view: "services", id: "acc-100001-s4" } },
  }),
];

function account(id: string, name: string) {
  return {
    account: { id, customer_number: id.slice(4), name, is_own: id === "acc-100001", role: { name: "Full Access", permissions: [] } },
    last_synced: null,
    overdue_count: 0,
  };
}

beforeEach(() => {
  setLanguage("en");
  app.phase = "ready";
  app.accounts = [account("acc-100001", "Müller Webdesign"), account("acc-200002", "Bäckerei Schmidt GmbH")];
  app.selected = "acc-200002";
  app.view = "alerts";
  app.login = { server: "http://127.0.0.1:8080", email: "a@b.de", demo: false, remembered: true };
  alerts.highlight = null;
});

afterEach(() => {
  clearMocks();
  document.body.replaceChildren();
});

/** Checkboxes and forms act only when in the document. */
function attached(): HTMLElement {
  const target = document.createElement("div");
  document.body.append(target);
  return target;
}

/** Polls a condition that waits on a timer, with a deadline. */
async function eventually(condition: () => boolean, limitMs = 2000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!condition() && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  expect(condition()).toBe(true);
}

function titles(target: HTMLElement): string[] {
  return [...target.querySelectorAll("[data-testid=alert-title]")].map((e) => e.textContent ?? "");
}

describe("notification centre", () => {
  it("lists unresolved alerts of every account and summarises the first sync", async () => {
    mockIPC((cmd) => (cmd === "list_alerts" ? list : null));
    const target = attached();
    const component = mount(Alerts, { target });
    await until(() => titles(target).length === 2);
    expect(titles(target)).toEqual(["Payment reminder", "Invoice overdue"]);
    const summary = target.querySelector("[data-testid=backfill-summary]");
    expect(summary?.getAttribute("data-account-id")).toBe("acc-200002");
    expect(summary?.textContent).toContain("The first sync of Bäckerei Schmidt GmbH found 1 thing");

    // Resolved ones on request; German texts from the alert itself.
    (target.querySelector("[data-testid=alerts-show-resolved]") as HTMLInputElement).click();
    setLanguage("de");
    flushSync();
    expect(titles(target)).toEqual(["Zahlungserinnerung", "Rechnung überfällig", "Dienst gesperrt"]);
    expect(target.textContent).toContain("Erledigt");
    expect(target.textContent).toContain("Dienst zeigen");
    unmount(component);
  });

  it("opens the invoice an alert is about and marks the alert read", async () => {
    const calls: { cmd: string; args: unknown }[] = [];
    mockIPC((cmd, args) => {
      calls.push({ cmd, args });
      return cmd === "list_alerts" ? list : null;
    });
    const target = attached();
    const component = mount(Alerts, { target });
    await until(() => titles(target).length === 2);
    const open = target.querySelector("[data-alert-id='3'] [data-testid=alert-open]") as HTMLButtonElement;
    expect(open.textContent?.trim()).toBe("Show invoice");
    open.click();
    await until(() => app.view === "invoices");
    expect(calls.some((c) => c.cmd === "mark_alert_read" && (c.args as { id: number }).id === 3)).toBe(true);
    expect(app.selected).toBe("acc-100001");
    expect(alerts.highlight?.target).toEqual({ view: "invoices", number: "RE-2026-000118" });
    unmount(component);
  });

  it("says so when nothing needs attention", async () => {
    mockIPC((cmd) => (cmd === "list_alerts" ? [] : null));
    const target = attached();
    const component = mount(Alerts, { target });
    await until(() => target.querySelector("[data-testid=empty-state]") !== null);
    expect(target.textContent).toContain("Nothing needs your attention");
    unmount(component);
  });
});

describe("alert settings", () => {
  const stored: AlertSettings = {
    enabled: true,
    muted_categories: [],
    muted_accounts: [],
    quiet_hours: null,
    sync_interval_minutes: 15,
  };

  it("saves categories and quiet hours, and shows a refused time next to the fields", async () => {
    const saved: AlertSettings[] = [];
    mockIPC((cmd, args) => {
      if (cmd === "list_alerts") return [];
      if (cmd === "get_alert_settings") return stored;
      if (cmd === "get_desktop_settings") return { start_at_login: false, keep_running: true, tray_available: true };
      if (cmd === "set_alert_settings") {
        const settings = (args as { settings: AlertSettings }).settings;
        saved.push(settings);
        if (saved.length === 2) {
          throw {
            kind: "invalid_input",
            message: "Quiet hours must end at another time than they start.",
            message_de: "Die Ruhezeit muss zu einer anderen Uhrzeit enden, als sie beginnt.",
            fields: { quietEnd: "Quiet hours must end at another time than they start." },
          };
        }
        return settings;
      }
      return null;
    });
    const target = attached();
    const component = mount(Alerts, { target });
    (target.querySelector("[data-testid=alerts-tab-settings]") as HTMLButtonElement).click();
    await until(() => target.querySelector("[data-testid=alert-settings]") !== null);

    (target.querySelector("[data-testid=alerts-category-domains]") as HTMLInputElement).click();
    (target.querySelector("[data-testid=alerts-quiet]") as HTMLInputElement).click();
    flushSync();
    (target.querySelector("[data-testid=alerts-save]") as HTMLButtonElement).click();
    await until(() => target.textContent?.includes("Settings saved.") ?? false);
    expect(saved[0]?.muted_categories).toEqual(["domains"]);
    expect(saved[0]?.quiet_hours).toEqual({ start: "22:00", end: "07:00" });

    (target.querySelector("[data-testid=alerts-save]") as HTMLButtonElement).click();
    await until(() => target.querySelector(".field-error") !== null);
    expect(target.querySelector(".field-error")?.textContent).toBe("Quiet hours must end at another time than they start.");
    unmount(component);
  });
});

describe("alert settings in German", () => {
  it("trust: a refused time shows its field's own problem in German, the portal's words marked", async () => {
    setLanguage("de");
    const refusals = [
      { en: "Quiet hours must end at another time than they start.", de: "Die Ruhezeit muss zu einer anderen Uhrzeit enden, als sie beginnt.", server: false },
      { en: "Not during maintenance", de: "Not during maintenance", server: true },
    ];
    let saves = 0;
    mockIPC((cmd, args) => {
      if (cmd === "list_alerts") return [];
      if (cmd === "get_alert_settings") return { enabled: true, muted_categories: [], muted_accounts: [], quiet_hours: null, sync_interval_minutes: 15 };
      if (cmd === "get_desktop_settings") return { start_at_login: false, keep_running: true, tray_available: true };
      if (cmd === "set_alert_settings") {
        const refusal = refusals[saves++];
        if (!refusal) return (args as { settings: AlertSettings }).settings;
        throw {
          kind: "invalid_input",
          message: "Please check the highlighted fields.",
          message_de: "Bitte prüfen Sie die markierten Felder.",
          fields: { quietEnd: refusal.en },
          fields_de: { quietEnd: refusal.de },
          server_words: refusal.server,
        };
      }
      return null;
    });
    const target = attached();
    const component = mount(Alerts, { target });
    (target.querySelector("[data-testid=alerts-tab-settings]") as HTMLButtonElement).click();
    await until(() => target.querySelector("[data-testid=alert-settings]") !== null);
    (target.querySelector("[data-testid=alerts-quiet]") as HTMLInputElement).click();
    flushSync();
    const save = () => (target.querySelector("[data-testid=alerts-save]") as HTMLButtonElement).click();
    save();
    await until(() => target.querySelector(".field-error") !== null);
    expect(target.querySelector(".field-error")?.textContent).toBe("Die Ruhezeit muss zu einer anderen Uhrzeit enden, als sie beginnt.");
    save();
    await until(() => target.querySelector(".field-error")?.textContent?.includes("maintenance") ?? false);
    expect(target.querySelector(".field-error")?.textContent).toBe("Meldung des Portals, nicht übersetzt: „Not during maintenance“");
    unmount(component);
    setLanguage("en");
  });
});

describe("alert navigation helpers", () => {
  it("finds the row an alert points at, by the item's key", () => {
    const root = document.createElement("div");
    root.innerHTML = `<table><tbody>
      <tr data-testid="domain-row" data-name="a.de"></tr>
      <tr data-testid="domain-row" data-name='we"ird.de'></tr>
      <tr data-testid="mailbox-row" data-address="info@a.de"></tr></tbody></table>`;
    expect(targetRow(root, { view: "domains", name: 'we"ird.de' })).toBe(root.querySelectorAll("tr")[1]);
    expect(targetRow(root, { view: "mailboxes", address: "info@a.de" })).toBe(root.querySelectorAll("tr")[2]);
    expect(targetRow(root, { view: "domains", name: "b.de" })).toBeNull();
    expect(targetRow(root, { view: "alerts" })).toBeNull();
  });

  it("highlights the row once the view has rendered it", async () => {
    const root = document.createElement("div");
    app.selected = "acc-100001";
    app.view = "services";
    alerts.highlight = { account_id: "acc-100001", target: { view: "services", id: "s-2" } };
    const component = mount(Highlight, { target: document.createElement("div"), props: { root } });
    flushSync();
    // The rows arrive later, as they do from the cache.
    root.innerHTML = `<table><tbody><tr data-testid="service-row" data-service-id="s-1"></tr>
      <tr data-testid="service-row" data-service-id="s-2"></tr></tbody></table>`;
    await eventually(() => root.querySelector("[data-highlighted]") !== null);
    expect(root.querySelector("[data-highlighted]")?.getAttribute("data-service-id")).toBe("s-2");
    // Leaving the view ends the highlight.
    app.view = "dashboard";
    flushSync();
    expect(alerts.highlight).toBeNull();
    expect(root.querySelector("[data-highlighted]")).toBeNull();
    unmount(component);
  });

  it("counts first-sync alerts per account and words intervals", () => {
    expect(backfills(list)).toEqual([{ accountId: "acc-200002", account: "Bäckerei Schmidt GmbH", count: 1 }]);
    setLanguage("de");
    expect(intervalText(15, t)).toBe("15 Minuten");
    expect(intervalText(60, t)).toBe("1 Stunde");
    setLanguage("en");
    expect(intervalText(180, t)).toBe("3 hours");
  });
});
