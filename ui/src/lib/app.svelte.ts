// The state of the whole window: who is signed in, the accounts, the selected account
// and view, and the sync status. Views load their own rows (see guard.ts).

import { api, asErrorInfo, events } from "./api";
import type { AccountSummary } from "./bindings/AccountSummary";
import type { ErrorInfo } from "./bindings/ErrorInfo";
import type { Connection } from "./bindings/Connection";
import type { Dashboard } from "./bindings/Dashboard";
import type { LoginInfo } from "./bindings/LoginInfo";
import type { ServerText } from "./bindings/ServerText";
import type { SyncOutcome } from "./bindings/SyncOutcome";
import { prepareDateFormatting } from "./format";
import {
  hasLanguage,
  intlLocaleOf,
  likelyLanguage,
  loadLanguage,
  locale,
  resolveLanguage,
  setLanguage,
  t,
} from "./i18n.svelte";
import type { ForAccount } from "./guard";
import { views } from "./lazy";

export type View =
  | "dashboard"
  | "connections"
  | "invoices"
  | "mandates"
  | "services"
  | "domains"
  | "mailboxes"
  | "mailsettings"
  | "billing"
  | "activity"
  | "support"
  | "alerts";

export const VIEWS: View[] = [
  "dashboard",
  "invoices",
  "mandates",
  "services",
  "domains",
  "mailboxes",
  "mailsettings",
  "billing",
  "activity",
  "support",
  "alerts",
  "connections",
];

/** The views that need the portal preview's account data. */
export const PORTAL_VIEWS: View[] = ["invoices", "mandates", "services", "domains", "billing", "activity"];

interface AppState {
  phase: "booting" | "login" | "ready";
  login: LoginInfo | null;
  /** The profile's mailcow connections (a profile may have these without a portal login). */
  connections: Connection[];
  accounts: AccountSummary[];
  selected: string | null;
  view: View;
  syncing: boolean;
  progress: { done: number; total: number } | null;
  /** The last sync's outcome for each account. */
  outcomes: SyncOutcome[];
  /** Bumped after each sync so views re-read the cache. */
  generation: number;
  languageChoice: string;
  systemLocale: string;
  fatal: ErrorInfo | null;
  /** Where the damaged cache this start replaced was kept (`app_start`), if it did. */
  damagedCache: string | null;
}

export const app = $state<AppState>({
  phase: "booting",
  login: null,
  connections: [],
  accounts: [],
  selected: null,
  view: "dashboard",
  syncing: false,
  progress: null,
  outcomes: [],
  generation: 0,
  languageChoice: "system",
  systemLocale: "en",
  fatal: null,
  damagedCache: null,
});

/** The message of an error in the current language. */
export function errorText(info: ErrorInfo): string {
  return locale.lang === "de" ? info.message_de : info.message;
}

/** Words the portal wrote that cowdesk does not know, so could not translate: quoted as
 *  they came and labelled as the portal's message, in the current language. */
export function serverWords(text: string): string {
  return `${t("common.serverMessage")}: ${t("common.quoted", { text })}`;
}

/**
 * One field's problem from a form error, in the current language. A text the portal
 * worded and cowdesk could not translate comes as it is, marked as the portal's words.
 */
export function fieldText(info: ErrorInfo | null, field: string): string | undefined {
  const en = info?.fields[field];
  if (!info || en === undefined) return undefined;
  const de = info.fields_de?.[field] ?? en;
  // A text cowdesk knows has a German wording of its own; the portal's unknown words are
  // the same in both.
  if (info.server_words && de === en) return serverWords(en);
  return locale.lang === "de" ? de : en;
}

/** A text the portal worded (a status reason) as the window shows it: in the current
 *  language, or as the portal wrote it when cowdesk does not know it (`serverWords`). */
export function shownServerText(
  text: ServerText | null | undefined,
  raw: string | null,
): { text: string; serverWords: boolean } | null {
  // Without the core's reading (never expected), the raw text is the portal's words.
  if (!text) return raw === null ? null : { text: raw, serverWords: true };
  return { text: locale.lang === "de" ? text.de : text.en, serverWords: text.server_words };
}

/** `shownServerText` as one string, for places that show plain text. */
export function serverText(text: ServerText | null | undefined, raw: string | null): string | null {
  const shown = shownServerText(text, raw);
  if (!shown) return null;
  return shown.serverWords ? serverWords(shown.text) : shown.text;
}

export async function boot(): Promise<void> {
  // The sync's events come only after the first paint (`ui_ready`): their listeners are
  // set up while the first screen renders, and are in place when boot returns.
  const listening = listenToSync();
  listening.catch(() => {}); // awaited below; a failure there is the start's failure
  try {
    // The first paint waits for this: everything it needs comes in one answer.
    const answer = api.appStart();
    // While the answer may still be on its way: load the strings of the language the
    // page's locale suggests, and set up the date formatting the shell needs first.
    const likely = likelyLanguage();
    const strings = loadLanguage(likely);
    prepareDateFormatting(intlLocaleOf(likely));
    const start = await answer;
    const { info, login } = start;
    app.systemLocale = info.system_locale;
    app.languageChoice = info.language;
    const language = resolveLanguage(info.language, info.system_locale);
    // A language chosen in cowdesk that differs from the system's is one more chunk.
    await (language === likely ? strings : loadLanguage(language));
    setLanguage(language);
    app.connections = start.connections;
    app.damagedCache = start.damaged_cache;
    if (login) {
      handOver(start.dashboard);
      showSignedIn(login, start.accounts, start.selected);
    } else if (app.connections.length > 0) {
      showConnections();
    } else {
      // The sign-in form is a chunk of its own: loaded before the window is shown, so the
      // first screen is the form and not a placeholder. Should it fail, the view says so.
      await views.login().catch(() => {});
      app.phase = "login";
    }
    await listening;
  } catch (err) {
    app.fatal = asErrorInfo(err);
    // Said in the language the page's locale suggests when the core could not say which.
    if (!hasLanguage()) {
      const language = likelyLanguage();
      await loadLanguage(language).catch(() => {});
      setLanguage(language);
    }
    app.phase = "login";
  }
}

async function listenToSync(): Promise<void> {
  // Each listener is an IPC round of its own: asked for together, not one after the other.
  await Promise.all([
    events.syncStarted(() => {
      app.syncing = true;
      app.progress = null;
    }),
    events.syncProgress((p) => {
      // Progress over all accounts: finished accounts count fully. The next account is
      // read while one is saved, so its reports may come in between: the bar never goes back.
      const index = Math.max(0, app.accounts.findIndex((a) => a.account.id === p.account_id));
      const total = Math.max(1, app.accounts.length) * p.total;
      const done = Math.max(index * p.total + p.done, app.progress?.done ?? 0);
      app.progress = { done, total };
    }),
    events.syncFinished(async (outcomes) => {
      app.outcomes = outcomes;
      app.syncing = false;
      app.progress = null;
      if (app.phase !== "ready") return;
      await refreshAccounts().catch(() => {});
      await refreshConnections().catch(() => {});
      app.generation += 1;
    }),
  ]);
}

/** The dashboard that came with the start, until the dashboard view takes it. */
let startDashboard: (ForAccount<Dashboard> & { generation: number }) | null = null;

/** The start's dashboard, once: a later dashboard asks the core itself. */
export function takeStartDashboard(): ForAccount<Dashboard> | null {
  const taken = startDashboard;
  startDashboard = null;
  // After a sync it would be old: the view asks the core instead.
  if (!taken || taken.generation !== app.generation) return null;
  return taken;
}

/** Signed in: show the cached accounts at once; sync runs in the background. */
export async function enter(login: LoginInfo): Promise<void> {
  // One answer, as at the start: the accounts, the selection and its dashboard's figures.
  const start = await api.signedInStart();
  handOver(start.dashboard);
  showSignedIn(login, start.accounts, start.selected);
}

function handOver(dashboard: Dashboard | null): void {
  startDashboard = dashboard ? { accountId: dashboard.account.id, data: dashboard, generation: app.generation } : null;
}

function showSignedIn(login: LoginInfo, accounts: AccountSummary[], selected: string | null): void {
  app.login = login;
  app.fatal = null;
  app.accounts = accounts;
  app.selected = selected ?? accounts[0]?.account.id ?? null;
  app.view = "dashboard";
  app.phase = "ready";
}

/** A profile with mailcow connections and no portal sign-in: what the mailcows hold. */
export async function enterConnections(): Promise<void> {
  await refreshConnections();
  showConnections();
}

function showConnections(): void {
  app.fatal = null;
  if (!app.login) {
    app.accounts = [];
    app.selected = null;
  }
  app.view = app.login ? app.view : "dashboard";
  app.phase = "ready";
  app.generation += 1;
}

export async function refreshConnections(): Promise<void> {
  app.connections = await api.listConnections();
}

/** Whether the profile has anything left to show; else back to the first screen. */
export async function afterConnectionRemoved(): Promise<void> {
  await refreshConnections();
  if (!app.login && app.connections.length === 0) {
    app.view = "dashboard";
    app.phase = "login";
  }
  app.generation += 1;
}

/** The views the sidebar offers: without a portal sign-in, none of the portal's. */
export function visibleViews(): View[] {
  return app.login ? VIEWS : VIEWS.filter((v) => !PORTAL_VIEWS.includes(v));
}

export async function refreshAccounts(): Promise<void> {
  app.accounts = await api.listAccounts();
  if (app.selected && !app.accounts.some((a) => a.account.id === app.selected)) {
    app.selected = app.accounts[0]?.account.id ?? null;
  }
  if (!app.selected) app.selected = app.accounts[0]?.account.id ?? null;
}

export async function selectAccount(accountId: string): Promise<void> {
  if (accountId === app.selected) return;
  app.selected = accountId;
  // Remembering the choice for the next start is best effort.
  await api.selectAccount(accountId).catch(() => {});
}

export async function syncNow(): Promise<void> {
  if (app.syncing) return;
  app.syncing = true;
  app.progress = null;
  try {
    // `sync-finished` carries the same outcomes; taking them here too keeps the button
    // honest should the event be missed.
    app.outcomes = await api.syncNow();
  } catch (err) {
    const error = asErrorInfo(err);
    app.outcomes = app.accounts.map((a) => ({
      account_id: a.account.id,
      changed: [],
      unchanged: [],
      not_permitted: [],
      requests: 0,
      error,
    }));
  } finally {
    app.syncing = false;
    app.progress = null;
  }
  await refreshAccounts().catch(() => {});
  await refreshConnections().catch(() => {});
  app.generation += 1;
}

export async function logout(): Promise<void> {
  try {
    await api.logout();
    app.fatal = null;
  } catch (err) {
    // The login screen says what went wrong; signing out locally still happens.
    app.fatal = asErrorInfo(err);
  }
  app.login = null;
  app.accounts = [];
  app.selected = null;
  app.outcomes = [];
  app.syncing = false;
  app.progress = null;
  app.view = "dashboard";
  // The portal sign-out leaves the profile's mailcow connections: they stay on show.
  await refreshConnections().catch(() => {
    app.connections = [];
  });
  app.phase = app.connections.length > 0 ? "ready" : "login";
}

export async function chooseLanguage(choice: string): Promise<void> {
  const language = resolveLanguage(choice, app.systemLocale);
  await loadLanguage(language);
  app.languageChoice = choice;
  setLanguage(language);
  // The choice applies now either way; storing it for the next start is best effort.
  await api.setLanguage(choice).catch(() => {});
}

/** The selected account's summary, if any. */
export function selectedSummary(): AccountSummary | undefined {
  return app.accounts.find((a) => a.account.id === app.selected);
}

/** The last sync error of the selected account (or of all, when the sync never started). */
export function lastSyncError(): ErrorInfo | null {
  const outcome = app.outcomes.find((o) => o.account_id === app.selected);
  return outcome?.error ?? null;
}
