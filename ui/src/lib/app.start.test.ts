// The window's start: one answer from the core, and the dashboard that came with it
// handed to the dashboard view once, while it is still the newest.

import { afterEach, describe, expect, it, vi } from "vitest";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { app, boot, enter, takeStartDashboard } from "./app.svelte";
import type { AppStart } from "./bindings/AppStart";
import type { Dashboard } from "./bindings/Dashboard";
import indexHtml from "../../index.html?raw";

const account = {
  id: "acc-100001",
  customer_number: "100001",
  name: "Müller Webdesign",
  is_own: true,
  role: { name: "Full Access", permissions: [] },
};

const dashboard: Dashboard = {
  account,
  last_synced: "2026-12-04T20:00:00Z",
  open_total_cents: 10055,
  open_count: 2,
  overdue_total_cents: 5319,
  overdue_count: 1,
  attention_invoices: [],
  suspended_services: [],
  expiring_domains: [],
  mailboxes_near_quota: [],
  not_permitted: [],
};

const start: AppStart = {
  info: { version: "0.1.0", system_locale: "de", language: "system" },
  login: { server: "https://portal.example", email: "demo@cowdesk.example", demo: false, remembered: true },
  connections: [],
  damaged_cache: null,
  accounts: [{ account, last_synced: "2026-12-04T20:00:00Z", overdue_count: 1 }],
  selected: "acc-100001",
  dashboard,
};

function answer(with_: AppStart): string[] {
  const asked: string[] = [];
  mockIPC(
    (cmd) => {
      asked.push(cmd);
      return cmd === "app_start" ? with_ : null;
    },
    { shouldMockEvents: true },
  );
  return asked;
}

afterEach(() => clearMocks());

describe("the start", () => {
  it("shows the signed-in account from one answer, and hands its dashboard over once", async () => {
    const asked = answer(start);
    await boot();
    expect(asked).toEqual(["app_start"]);
    expect(app.phase).toBe("ready");
    expect(app.selected).toBe("acc-100001");
    expect(app.systemLocale).toBe("de");
    expect(takeStartDashboard()).toMatchObject({ accountId: "acc-100001", data: dashboard });
    expect(takeStartDashboard()).toBeNull();
  });

  it("takes the answer index.html asked for before the code loaded, and asks no more", async () => {
    const asked = answer(start);
    // index.html's own script, run as the page runs it: against Tauri's IPC object.
    const inline = [...indexHtml.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1]);
    expect(inline).toHaveLength(1);
    const early: string[] = [];
    const internals = { invoke: (cmd: string) => (early.push(cmd), Promise.resolve(start)) };
    const page: { __TAURI_INTERNALS__: typeof internals; __cowdeskStart?: Promise<AppStart> } = {
      __TAURI_INTERNALS__: internals,
    };
    new Function("window", inline[0] ?? "")(page);
    expect(early).toEqual(["app_start"]);
    window.__cowdeskStart = page.__cowdeskStart;
    app.phase = "booting";
    await boot();
    expect(asked).toEqual([]);
    expect(app.phase).toBe("ready");
    expect(window.__cowdeskStart).toBeUndefined();
  });

  it("says what went wrong when the early answer failed", async () => {
    answer(start);
    const failed = { kind: "internal", message: "broken", message_de: "kaputt", fields: {}, fields_de: {}, server_words: false };
    window.__cowdeskStart = Promise.reject(failed);
    app.phase = "booting";
    await boot();
    expect(app.fatal).toMatchObject({ message: "broken" });
    expect(app.phase).toBe("login");
    app.fatal = null;
  });

  it("renders from the answer while the sync's listeners are set up, and returns with them in place", async () => {
    let release: () => void = () => {};
    const listenersAnswered = new Promise<void>((resolve) => (release = resolve));
    const listening: string[] = [];
    mockIPC(async (cmd, args) => {
      if (cmd === "app_start") return start;
      if (cmd === "plugin:event|listen") {
        await listenersAnswered;
        listening.push((args as { event: string }).event);
        return listening.length;
      }
      return null;
    });
    app.phase = "booting";
    let booted = false;
    const booting = boot().then(() => (booted = true));
    await vi.waitFor(() => expect(app.phase).toBe("ready"));
    expect(booted).toBe(false);
    release();
    await booting;
    expect(listening.sort()).toEqual(["sync-finished", "sync-progress", "sync-started"]);
  });

  it("does not hand over a dashboard a sync has made old", async () => {
    answer(start);
    await boot();
    app.generation += 1;
    expect(takeStartDashboard()).toBeNull();
  });

  it("without a sign-in or connections, goes to the sign-in form with no dashboard", async () => {
    answer({ ...start, login: null, accounts: [], selected: null, dashboard: null });
    app.phase = "booting";
    await boot();
    expect(app.phase).toBe("login");
    expect(takeStartDashboard()).toBeNull();
  });

  it("after a sign-in, shows the accounts, the selection and its figures from one answer", async () => {
    const asked: string[] = [];
    mockIPC((cmd) => {
      asked.push(cmd);
      return cmd === "signed_in_start" ? { accounts: start.accounts, selected: "acc-100001", dashboard } : null;
    });
    app.phase = "login";
    await enter(start.login!);
    expect(asked).toEqual(["signed_in_start"]);
    expect(app.phase).toBe("ready");
    expect(app.selected).toBe("acc-100001");
    expect(app.accounts).toHaveLength(1);
    expect(takeStartDashboard()).toMatchObject({ accountId: "acc-100001", data: dashboard });
  });
});
