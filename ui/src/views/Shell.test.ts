import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { flushSync, mount, unmount } from "svelte";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import Shell from "./Shell.svelte";
import { app } from "../lib/app.svelte";
import type { ErrorInfo } from "../lib/bindings/ErrorInfo";
import { until } from "../test/util";
import { views } from "../lib/lazy";

const offline: ErrorInfo = {
  kind: "offline",
  message: "cowdesk cannot reach the portal.",
  message_de: "cowdesk erreicht das Portal nicht.",
  fields: {},
  fields_de: {},
  server_words: false,
};

function setUp(error: ErrorInfo | null) {
  const synced = new Date(Date.now() - 5 * 60_000).toISOString();
  app.phase = "ready";
  app.login = { server: "http://127.0.0.1:8080", email: "demo@cowdesk.example", demo: false, remembered: true };
  app.accounts = [
    {
      account: {
        id: "acc-100001",
        customer_number: "100001",
        name: "Müller Webdesign",
        is_own: true,
        role: { name: "Full Access", permissions: [] },
      },
      last_synced: synced,
      overdue_count: 0,
    },
  ];
  app.selected = "acc-100001";
  app.view = "mailsettings";
  app.outcomes = [
    { account_id: "acc-100001", changed: [], unchanged: [], not_permitted: [], requests: 0, error },
  ];
  mockIPC((cmd) =>
    cmd === "mail_client_config" ? { servers: [], username_rule: "", authentication: "password" } : null,
  );
}

// The views this test shows are loaded first: a view's import still pending when a test
// ends would outlive the test environment.
beforeAll(async () => {
  await Promise.all([views.mailSettings(), views.activity()]);
});

afterEach(() => clearMocks());

describe("shell", () => {
  it("says when it shows old data because the portal is out of reach", async () => {
    setUp(offline);
    const target = document.createElement("div");
    const component = mount(Shell, { target });
    await until(() => target.querySelector("[data-testid=offline-banner]") !== null);
    expect(target.querySelector("[data-testid=offline-banner]")?.textContent).toContain("Offline — showing data from");
    expect(target.querySelector("[data-testid=last-synced]")?.textContent?.trim()).toBe("Last synced 5 minutes ago");
    // A portal sign-in is the preview, and says so.
    expect(target.querySelector("[data-testid=preview-badge]")?.textContent).toBe("Preview");
    expect(target.querySelector("[data-testid=preview-badge]")?.getAttribute("title")).toBe(
      "Signed in to a portal preview server: http://127.0.0.1:8080",
    );
    unmount(component);
  });

  it("shows other sync errors readably, without the offline banner", async () => {
    setUp({ ...offline, kind: "server", message: "The portal had a problem (HTTP 503)." });
    const target = document.createElement("div");
    const component = mount(Shell, { target });
    flushSync();
    expect(target.querySelector("[data-testid=offline-banner]")).toBeNull();
    expect(target.querySelector("[role=alert]")?.textContent).toContain("The portal had a problem (HTTP 503).");
    unmount(component);
  });

  it("offline: offers a restart when the sync met a damaged cache, and only then", async () => {
    setUp({ ...offline, kind: "cache_damaged", message: "The local cache is damaged." });
    const asked: string[] = [];
    mockIPC((cmd) => {
      asked.push(cmd);
      return cmd === "mail_client_config" ? { servers: [], username_rule: "", authentication: "password" } : null;
    });
    const target = document.createElement("div");
    const component = mount(Shell, { target });
    flushSync();
    const banner = target.querySelector("[data-testid=sync-error-banner]");
    expect(banner?.textContent).toContain("The local cache is damaged.");
    const restart = banner?.querySelector<HTMLButtonElement>("[data-testid=restart]");
    expect(restart?.textContent).toBe("Restart cowdesk");
    restart?.click();
    await until(() => asked.includes("restart_app"));
    unmount(component);

    setUp({ ...offline, kind: "server", message: "The portal had a problem (HTTP 503)." });
    const other = document.createElement("div");
    const shown = mount(Shell, { target: other });
    flushSync();
    expect(other.querySelector("[data-testid=restart]")).toBeNull();
    unmount(shown);
  });

  it("opens another view at its top, not where the last one was scrolled to", () => {
    setUp(null);
    const target = document.createElement("div");
    const component = mount(Shell, { target });
    flushSync();
    const pane = target.querySelector<HTMLElement>("main.content");
    if (!pane) throw new Error("no content pane");
    pane.scrollTop = 480;
    target.querySelector<HTMLButtonElement>("[data-testid=nav-mailsettings]")?.click();
    flushSync();
    // The same view again keeps its place.
    expect(pane.scrollTop).toBe(480);
    target.querySelector<HTMLButtonElement>("[data-testid=nav-activity]")?.click();
    flushSync();
    expect(app.view).toBe("activity");
    expect(pane.scrollTop).toBe(0);
    unmount(component);
  });
});
