// A stand-in for the Rust side, for looking at the screens in a plain browser
// (`npm run dev:mock`, or `vite build --mode preview`). main.ts loads it only in the
// "preview" mode, so production builds do not contain it.
//
// URL parameters: ?login=0 (show the login screen), ?lang=en|de, ?view=invoices|...,
// ?account=acc-200002, ?offline=1 (the last sync failed offline), ?switcher=1 (open the
// account list), ?logout=1 (ask to sign out), ?sync=1 (start a sync),
// ?submit=1 (submit the empty login form).

import { mockIPC } from "@tauri-apps/api/mocks";
import { emit } from "@tauri-apps/api/event";
import { billingAnswer } from "./billing-mock";
import { dnsAnswer } from "./dns-mock";
import type { Account } from "../lib/bindings/Account";
import type { Alert } from "../lib/bindings/Alert";
import type { AccountSummary } from "../lib/bindings/AccountSummary";
import type { Dashboard } from "../lib/bindings/Dashboard";
import type { Domain } from "../lib/bindings/Domain";
import type { ErrorInfo } from "../lib/bindings/ErrorInfo";
import type { Invoice } from "../lib/bindings/Invoice";
import type { Listing } from "../lib/bindings/Listing";
import type { LoginInfo } from "../lib/bindings/LoginInfo";
import type { MailClientConfig } from "../lib/bindings/MailClientConfig";
import type { Mailbox } from "../lib/bindings/Mailbox";
import type { Mandate } from "../lib/bindings/Mandate";
import type { Permission } from "../lib/bindings/Permission";
import type { Resource } from "../lib/bindings/Resource";
import type { Service } from "../lib/bindings/Service";
import type { SyncOutcome } from "../lib/bindings/SyncOutcome";

const params = new URLSearchParams(location.search);
const GB = 1024 ** 3;

function day(offset: number): string {
  const d = new Date();
  d.setDate(d.getDate() + offset);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
}

const ALL: Permission[] = ["profile", "invoices", "mandates", "services", "domains", "mailboxes", "users", "tickets"];

const accounts: Account[] = [
  {
    id: "acc-100001",
    customer_number: "100001",
    name: "Müller Webdesign",
    is_own: true,
    role: { name: "Full Access", permissions: ALL },
  },
  {
    id: "acc-200002",
    customer_number: "200002",
    name: "Bäckerei Schmidt GmbH",
    is_own: false,
    role: { name: "Accounting", permissions: ["profile", "invoices", "mandates", "tickets"] },
  },
  {
    id: "acc-300003",
    customer_number: "300003",
    name: "Kanzlei Berger & Partner",
    is_own: false,
    role: { name: "Full Access", permissions: ALL },
  },
];

interface Data {
  invoices: Invoice[];
  mandates: Mandate[];
  services: Service[];
  domains: Domain[];
  mailboxes: Mailbox[];
}

function invoice(n: number, issued: number, cents: number, status: Invoice["status"], dunning = 0): Invoice {
  return {
    number: `RE-2026-${String(n).padStart(6, "0")}`,
    issue_date: day(issued),
    due_date: day(issued + 14),
    amount_cents: cents,
    currency: "EUR",
    status,
    dunning_level: dunning,
    paid_on: status === "paid" ? day(issued + 5) : null,
  };
}

const data: Record<string, Data> = {
  "acc-100001": {
    invoices: [
      invoice(123, -3, 1773, "open"),
      invoice(118, -34, 4641, "overdue", 1),
      invoice(107, -64, 2380, "overdue", 2),
      ...Array.from({ length: 9 }, (_, i) => invoice(100 - i * 4, -95 - i * 30, 1773 + (i % 3) * 1190, "paid")),
    ],
    mandates: [
      { id: "m-1", kind: "sepa", label: "DE89 **** **** **** **30 00", status: "active", is_default: true, created_on: day(-400) },
      { id: "m-2", kind: "paypal", label: "buchhaltung@mueller-webdesign.de", status: "cancelled", is_default: false, created_on: day(-700) },
    ],
    services: [
      { id: "s-1", kind: "webhosting", product: "Webhosting Business", status: "active", term_months: 12, period_end: day(140), status_reason: null, mail_allowance: null },
      { id: "s-2", kind: "mail", product: "Shared mailcow", status: "suspended", term_months: 1, period_end: day(9), status_reason: "Unpaid invoice RE-2026-000107", status_reason_text: { en: "Unpaid invoice RE-2026-000107", de: "Unbezahlte Rechnung RE-2026-000107", server_words: false }, mail_allowance: { mailboxes: 20, storage_bytes: 20 * GB } },
      { id: "s-3", kind: "domain", product: "Domain .de", status: "active", term_months: 12, period_end: day(12), status_reason: null, mail_allowance: null },
      { id: "s-4", kind: "server", product: "vServer S", status: "active", term_months: 1, period_end: day(21), status_reason: null, mail_allowance: null },
      { id: "s-5", kind: "webhosting", product: "Webhosting Starter", status: "terminated", term_months: 12, period_end: day(-60), status_reason: null, mail_allowance: null },
    ],
    domains: [
      { name: "mueller-webdesign.de", expires_on: day(12), transfer_lock: true, auto_renew: false, status: "active", lock_changed_at: null, service_ids: [], invoice_numbers: [] },
      { name: "mueller-webdesign.com", expires_on: day(190), transfer_lock: true, auto_renew: true, status: "active", lock_changed_at: null, service_ids: [], invoice_numbers: [] },
      { name: "mueller-shop.de", expires_on: day(27), transfer_lock: false, auto_renew: true, status: "active", lock_changed_at: null, service_ids: [], invoice_numbers: [] },
      { name: "webdesign-mueller.eu", expires_on: day(300), transfer_lock: true, auto_renew: true, status: "transfer_pending", lock_changed_at: null, service_ids: [], invoice_numbers: [] },
    ],
    mailboxes: [
      { address: "info@mueller-webdesign.de", name: "Info", quota_bytes: 5 * GB, used_bytes: 4.71 * GB, active: true },
      { address: "anna.mueller@mueller-webdesign.de", name: "Anna Müller", quota_bytes: 10 * GB, used_bytes: 3.2 * GB, active: true },
      { address: "buchhaltung@mueller-webdesign.de", name: "Buchhaltung", quota_bytes: 2 * GB, used_bytes: 1.9 * GB, active: true },
      { address: "alt@mueller-webdesign.de", name: "Altes Postfach", quota_bytes: 1 * GB, used_bytes: 0.1 * GB, active: false },
      // ?mailboxes=10000 adds generated mailboxes, to try the list at scale.
      ...Array.from({ length: Number(params.get("mailboxes") ?? 0) }, (_, i) => ({
        address: `user.${i}@${["mueller-webdesign.de", "mueller-shop.de"][i % 2]}`,
        name: `User ${i}`,
        quota_bytes: 2 * GB,
        used_bytes: ((i * 37) % 100) * 0.02 * GB,
        active: i % 11 !== 10,
      })),
    ],
  },
  "acc-200002": {
    invoices: [
      invoice(124, -5, 8925, "open"),
      ...Array.from({ length: 6 }, (_, i) => invoice(99 - i * 4, -40 - i * 30, 8925, "paid")),
    ],
    mandates: [{ id: "m-9", kind: "sepa", label: "DE12 **** **** **** **45 67", status: "active", is_default: true, created_on: day(-900) }],
    services: [],
    domains: [],
    mailboxes: [],
  },
  "acc-300003": { invoices: [], mandates: [], services: [], domains: [], mailboxes: [] },
};

const offline = params.get("offline") === "1";
const offlineError: ErrorInfo = {
  kind: "offline",
  message: "cowdesk cannot reach the portal. Check the internet connection.",
  message_de: "cowdesk erreicht das Portal nicht. Prüfen Sie die Internetverbindung.",
  fields: {},
  fields_de: {},
  server_words: false,
};
const lastSynced = new Date(Date.now() - (offline ? 3 * 3600_000 : 4 * 60_000)).toISOString();

function permitted(accountId: string, resource: Resource): boolean {
  return accounts.find((a) => a.id === accountId)?.role.permissions.includes(resource as Permission) ?? false;
}

function listing<K extends keyof Data>(accountId: string, key: K): Listing<Data[K][number]> {
  const ok = permitted(accountId, key);
  return { items: ok ? (data[accountId]?.[key] ?? []) : [], permitted: ok, last_synced: lastSynced };
}

const isOverdue = (i: Invoice) => i.status === "overdue" || (i.status === "open" && i.due_date < day(0));

function dashboard(accountId: string): Dashboard {
  const account = accounts.find((a) => a.id === accountId);
  const d = data[accountId];
  if (!account || !d) throw { kind: "not_found", message: "Not found.", message_de: "Nicht gefunden.", fields: {}, fields_de: {}, server_words: false };
  const invoices = permitted(accountId, "invoices") ? d.invoices : [];
  const open = invoices.filter((i) => i.status === "open" || i.status === "overdue");
  const overdue = invoices.filter(isOverdue);
  const sum = (list: Invoice[]) => list.reduce((total, i) => total + i.amount_cents, 0);
  const resources: Resource[] = ["invoices", "mandates", "services", "domains", "mailboxes"];
  return {
    account,
    last_synced: lastSynced,
    open_total_cents: sum(open),
    open_count: open.length,
    overdue_total_cents: sum(overdue),
    overdue_count: overdue.length,
    attention_invoices: invoices
      .filter((i) => isOverdue(i) || (i.dunning_level > 0 && i.status !== "paid"))
      .sort((a, b) => b.dunning_level - a.dunning_level),
    suspended_services: permitted(accountId, "services") ? d.services.filter((s) => s.status === "suspended") : [],
    expiring_domains: permitted(accountId, "domains") ? d.domains.filter((x) => x.expires_on <= day(30)) : [],
    mailboxes_near_quota: permitted(accountId, "mailboxes")
      ? d.mailboxes.filter((m) => m.used_bytes / m.quota_bytes >= 0.9)
      : [],
    not_permitted: resources.filter((r) => !permitted(accountId, r)),
  };
}

function summaries(): AccountSummary[] {
  return accounts.map((account) => ({
    account,
    last_synced: lastSynced,
    overdue_count: (data[account.id]?.invoices ?? []).filter(isOverdue).length,
  }));
}

function outcomes(error: ErrorInfo | null): SyncOutcome[] {
  return accounts.map((a) => ({
    account_id: a.id,
    changed: [],
    unchanged: ["profile", "invoices"],
    not_permitted: [],
    requests: 3,
    error,
  }));
}

const mailConfig: MailClientConfig = {
  servers: [
    { protocol: "imap", host: "hosted.mailcow.de", port: 993, security: "tls", recommended: true },
    { protocol: "smtp", host: "hosted.mailcow.de", port: 465, security: "tls", recommended: true },
    { protocol: "imap", host: "hosted.mailcow.de", port: 143, security: "starttls", recommended: false },
    { protocol: "smtp", host: "hosted.mailcow.de", port: 587, security: "starttls", recommended: false },
  ],
  username_rule: "The full e-mail address",
  authentication: "password",
};

const mockAlerts: Alert[] = [
  {
    id: 2,
    account_id: "acc-100001",
    account_name: "Müller Webdesign",
    rule: "payment_reminder",
    category: "invoices",
    severity: "critical",
    title: "Dunning notice",
    title_de: "Mahnung",
    body: "Invoice RE-2026-000107 of €23.80 is still unpaid.",
    body_de: "Rechnung RE-2026-000107 über 23,80 € ist noch offen.",
    target: { account_id: "acc-100001", target: { view: "invoices", number: "RE-2026-000107" } },
    created_at: new Date(Date.now() - 6 * 60_000).toISOString(),
    resolved_at: null,
    read: false,
    delivery: "delivered",
  },
  {
    id: 1,
    account_id: "acc-100001",
    account_name: "Müller Webdesign",
    rule: "service_suspended",
    category: "services",
    severity: "critical",
    title: "Service suspended",
    title_de: "Dienst gesperrt",
    body: "Managed mailcow (s-2) is suspended: Unpaid invoice RE-2026-000107.",
    body_de: "Managed mailcow (s-2) ist gesperrt: Unpaid invoice RE-2026-000107.",
    target: { account_id: "acc-100001", target: { view: "services", id: "s-2" } },
    created_at: new Date(Date.now() - 26 * 3600_000).toISOString(),
    resolved_at: null,
    read: false,
    delivery: "backfill",
  },
];

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function fakeSync(): Promise<SyncOutcome[]> {
  await emit("sync-started");
  for (const a of accounts) {
    for (let done = 1; done <= 8; done++) {
      await pause(120);
      const stage = done < 8 ? "fetching" : "saved";
      await emit("sync-progress", { account_id: a.id, resource: "invoices", done, total: 8, stage });
    }
  }
  const result = outcomes(offline ? offlineError : null);
  await emit("sync-finished", result);
  return result;
}

/** The browser preview's stand-in for the Rust address rules (validate::mailbox). */
function mockCheckAddress(value: string): string {
  const address = value.trim();
  const at = address.lastIndexOf("@");
  const local = at < 0 ? address : address.slice(0, at);
  const bad = [...local].find((c) => !/[A-Za-z0-9._-]/.test(c));
  if (bad) {
    throw {
      kind: "invalid_input",
      message: `“${bad}” is not allowed before the @. Use only letters a–z, digits, dot, hyphen and underscore.`,
      message_de: `„${bad}“ ist vor dem @ nicht erlaubt. Erlaubt sind nur Buchstaben a–z, Ziffern, Punkt, Bindestrich und Unterstrich.`,
      fields: { address: "not allowed" },
    };
  }
  if (at < 1 || !address.slice(at + 1).includes(".")) {
    throw {
      kind: "invalid_input",
      message: "A mailbox address needs an @ between name and domain (name@example.de).",
      message_de: "Eine Postfach-Adresse braucht ein @ zwischen Name und Domain (name@beispiel.de).",
      fields: { address: "shape" },
    };
  }
  return address.slice(0, at) + "@" + address.slice(at + 1).toLowerCase();
}

export function installMock(): void {
  let signedIn = params.get("login") !== "0";
  let selected = params.get("account") ?? accounts[0]?.id ?? null;
  const login: LoginInfo = { server: "http://127.0.0.1:7777", email: "demo@cowdesk.example", demo: true, remembered: true };

  mockIPC(
    async (cmd, args) => {
      const a = (args ?? {}) as Record<string, string>;
      await pause(30);
      switch (cmd) {
        case "app_start":
          return {
            info: { version: "0.1.0", system_locale: params.get("lang") ?? "en", language: "system" },
            login: signedIn ? login : null,
            connections: [],
            damaged_cache: null,
            accounts: signedIn ? summaries() : [],
            selected: signedIn ? selected : null,
            dashboard: signedIn && selected ? dashboard(selected) : null,
          };
        case "set_language":
        case "ui_ready":
          return null;
        case "login":
          if (!a.email) {
            throw {
              kind: "invalid_input",
              message: "Enter your e-mail address.",
              message_de: "Bitte geben Sie Ihre E-Mail-Adresse ein.",
              fields: { email: "Enter your e-mail address." },
              fields_de: { email: "Bitte geben Sie Ihre E-Mail-Adresse ein." },
              server_words: false,
            };
          }
          if (a.password !== "cowdesk-demo") {
            throw { kind: "invalid_credentials", message: "The e-mail address or the password is wrong.", message_de: "Die E-Mail-Adresse oder das Passwort ist falsch.", fields: {}, fields_de: {}, server_words: false };
          }
          signedIn = true;
          return { ...login, demo: false, email: a.email };
        case "start_demo":
          await pause(600);
          signedIn = true;
          return login;
        case "logout":
          signedIn = false;
          return null;
        case "request_password_reset":
          return null;
        case "list_accounts":
          return summaries();
        case "signed_in_start":
          return { accounts: summaries(), selected, dashboard: selected ? dashboard(selected) : null };
        case "select_account":
          selected = a.accountId ?? null;
          return null;
        case "dashboard":
          return dashboard(a.accountId ?? "");
        case "list_mandates":
          return listing(a.accountId ?? "", "mandates");
        case "list_services":
          return listing(a.accountId ?? "", "services");
        case "list_mailboxes":
          return listing(a.accountId ?? "", "mailboxes");
        // The windowed lists, roughly as the core answers them (search and domain only).
        case "mailbox_window":
        case "domain_window": {
          const w = args as { accountId: string; query: { search: string; domain?: string | null }; window: { offset: number; limit: number } };
          const key = cmd === "mailbox_window" ? "mailboxes" : "domains";
          const all = listing(w.accountId, key).items as { address?: string; name: string }[];
          const q = w.query.search.trim().toLowerCase();
          const rows = all.filter(
            (r) =>
              (!q || `${r.address ?? ""} ${r.name}`.toLowerCase().includes(q)) &&
              (!w.query.domain || (r.address ?? "").endsWith(`@${w.query.domain}`)),
          );
          return {
            rows: rows.slice(w.window.offset, w.window.offset + w.window.limit),
            offset: w.window.offset,
            matching: rows.length,
            total: all.length,
            permitted: permitted(w.accountId, key),
            last_synced: lastSynced,
          };
        }
        case "mailbox_totals": {
          const all = listing(a.accountId ?? "", "mailboxes").items;
          return {
            count: all.length,
            used_bytes: all.reduce((n, m) => n + m.used_bytes, 0),
            assigned_bytes: all.reduce((n, m) => n + m.quota_bytes, 0),
            nearly_full: all.filter((m) => m.quota_bytes > 0 && m.used_bytes * 100 >= 90 * m.quota_bytes).length,
            domains: [...new Set(all.map((m) => m.address.split("@")[1] ?? ""))].sort(),
            permitted: permitted(a.accountId ?? "", "mailboxes"),
          };
        }
        case "mailbox_position":
        case "domain_position":
          return null;
        case "mailcow_summary":
          return { connections: 0, domains: 0, mailboxes: 0, used_bytes: 0, allowed_bytes: 0, nearly_full: 0, fullest: [] };
        case "mail_client_config":
          return mailConfig;
        case "mail_allowance": {
          const plans = (data[a.accountId ?? ""]?.services ?? []).flatMap((sv) => (sv.mail_allowance ? [sv.mail_allowance] : []));
          return plans.length ? plans.reduce((x, y) => ({ mailboxes: x.mailboxes + y.mailboxes, storage_bytes: x.storage_bytes + y.storage_bytes })) : null;
        }
        case "check_mailbox_address":
          return mockCheckAddress(a.address ?? "");
        case "copy_mail_setting":
          return null;
        case "export_mail_config":
          return `/home/demo/Downloads/${a.format === "apple" ? `${a.value}.mobileconfig` : "config-v1.1.xml"}`;
        case "sync_now":
          return fakeSync();
        case "list_alerts":
          return mockAlerts;
        case "alert_counts":
          return { unread: mockAlerts.filter((x) => !x.read).length, unresolved: mockAlerts.filter((x) => !x.resolved_at).length };
        case "mark_alert_read":
        case "mark_all_alerts_read":
        case "demo_event":
          return null;
        case "take_navigation":
          return null;
        case "get_alert_settings":
          return { enabled: true, muted_categories: [], muted_accounts: [], quiet_hours: null, sync_interval_minutes: 15 };
        case "set_alert_settings":
          return (args as { settings: unknown }).settings;
        case "get_desktop_settings":
        case "set_start_at_login":
        case "set_keep_running":
          return { start_at_login: false, keep_running: true, tray_available: true };
        case "sync_schedule":
          return { state: "waiting", interval_minutes: 15, next_at: new Date(Date.now() + 11 * 60_000).toISOString(), failures: 0, last_error: null };
        case "check_sepa":
          return { iban_grouped: (a.iban ?? "").replace(/\s/g, "").replace(/(.{4})/g, "$1 ").trim(), iban_country: null, problems: [] };
        case "domains_needing_relock":
        case "list_activity":
          return [];
        default: {
          const dns = await dnsAnswer(cmd, a);
          if (dns !== undefined) return dns;
          const answer = billingAnswer(cmd, a, {
            invoices: (id) => listing(id, "invoices"),
            services: (id) => listing(id, "services"),
          });
          if (answer !== undefined) return answer;
          throw { kind: "internal", message: `unknown command ${cmd}`, message_de: `unbekannter Befehl ${cmd}`, fields: {}, fields_de: {}, server_words: false };
        }
      }
    },
    { shouldMockEvents: true },
  );

  // Drive the UI into the state the URL asks for, once it has rendered.
  const click = (selector: string) => (document.querySelector(selector) as HTMLElement | null)?.click();
  setTimeout(() => {
    if (offline) void emit("sync-finished", outcomes(offlineError));
    const view = params.get("view");
    if (view) click(`[data-testid=nav-${view}]`);
    if (params.get("switcher") === "1") click("[data-testid=account-switcher]");
    if (params.get("logout") === "1") click("[data-testid=logout-button]");
    if (params.get("sync") === "1") click("[data-testid=sync-button]");
    if (params.get("submit") === "1") click("[data-testid=login-submit]");
    // ?dns=1 with ?view=domains: open the mail DNS doctor of the broken domain.
    if (params.get("dns") === "1") setTimeout(() => click("[data-testid=domain-row][data-name='mueller-shop.de'] [data-testid=domain-dns-button]"), 300);
  }, 400);
}
