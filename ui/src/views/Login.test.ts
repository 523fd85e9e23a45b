import { afterEach, describe, expect, it } from "vitest";
import { flushSync, mount, unmount } from "svelte";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import Login from "./Login.svelte";
import { locale } from "../lib/i18n.svelte";
import { app } from "../lib/app.svelte";
import { until } from "../test/util";

function type(input: HTMLInputElement | null, value: string) {
  if (!input) throw new Error("input missing");
  input.value = value;
  input.dispatchEvent(new Event("input", { bubbles: true }));
  flushSync();
}

afterEach(() => {
  clearMocks();
  locale.lang = "en";
  app.damagedCache = null;
});

describe("login", () => {
  it("says where a damaged cache was kept, in both languages, and nothing without one", () => {
    const target = document.createElement("div");
    let component = mount(Login, { target });
    flushSync();
    expect(target.querySelector("[data-testid=damaged-cache]")).toBeNull();
    unmount(component);
    app.damagedCache = "/home/anna/.local/share/cowdesk/default.sqlite.damaged-20261206T063300Z";
    const said = [
      ["en", "The local cache was damaged"],
      ["de", "Der lokale Zwischenspeicher war beschädigt"],
    ] as const;
    for (const [lang, words] of said) {
      locale.lang = lang;
      component = mount(Login, { target });
      flushSync();
      const notice = target.querySelector("[data-testid=damaged-cache]")?.textContent ?? "";
      expect(notice).toContain(words);
      expect(notice).toContain(app.damagedCache);
      unmount(component);
    }
  });

  it("submits on Enter and shows a wrong password in the chosen language", async () => {
    const calls: unknown[] = [];
    mockIPC((cmd, args) => {
      if (cmd !== "login") return undefined;
      calls.push(args);
      throw {
        kind: "invalid_credentials",
        message: "The e-mail address or the password is wrong.",
        message_de: "Die E-Mail-Adresse oder das Passwort ist falsch.",
        fields: {},
        fields_de: {},
        server_words: false,
      };
    });
    locale.lang = "de";
    const target = document.createElement("div");
    const component = mount(Login, { target });
    flushSync();
    const q = (id: string) => target.querySelector<HTMLInputElement>(`[data-testid=${id}]`);
    type(q("login-server"), "http://127.0.0.1:8080");
    type(q("login-email"), "demo@cowdesk.example");
    type(q("login-password"), "wrong");
    target.querySelector("[data-testid=portal-preview] form")?.dispatchEvent(new SubmitEvent("submit", { bubbles: true, cancelable: true }));
    flushSync();
    // Busy while the command runs.
    expect(q("login-submit")?.disabled).toBe(true);
    await until(() => q("login-error") !== null);
    expect(q("login-error")?.textContent).toContain("Die E-Mail-Adresse oder das Passwort ist falsch.");
    expect(q("login-submit")?.disabled).toBe(false);
    expect(calls).toEqual([{ server: "http://127.0.0.1:8080", email: "demo@cowdesk.example", password: "wrong" }]);
    unmount(component);
  });

  it("shows a field problem next to the field", async () => {
    mockIPC((cmd) => {
      if (cmd !== "login") return undefined;
      throw {
        kind: "invalid_input",
        message: "Enter a valid e-mail address.",
        message_de: "Geben Sie eine gültige E-Mail-Adresse ein.",
        fields: { email: "Enter a valid e-mail address." },
      };
    });
    const target = document.createElement("div");
    const component = mount(Login, { target });
    flushSync();
    type(target.querySelector("[data-testid=login-server]"), "http://127.0.0.1:8080");
    target.querySelector("[data-testid=portal-preview] form")?.dispatchEvent(new SubmitEvent("submit", { bubbles: true, cancelable: true }));
    await until(() => target.querySelector("#email-error") !== null);
    expect(target.querySelector("#email-error")?.textContent).toBe("Enter a valid e-mail address.");
    expect(target.querySelector("[data-testid=login-email]")?.getAttribute("aria-invalid")).toBe("true");
    unmount(component);
  });

  it("confirms a password reset without saying whether the address exists", async () => {
    const calls: unknown[] = [];
    mockIPC((cmd, args) => {
      if (cmd === "request_password_reset") calls.push(args);
      return null;
    });
    const target = document.createElement("div");
    const component = mount(Login, { target });
    flushSync();
    type(target.querySelector("[data-testid=login-server]"), "https://portal.example.net");
    type(target.querySelector("[data-testid=login-email]"), "someone@example.com");
    target.querySelector<HTMLButtonElement>("[data-testid=forgot-password]")?.click();
    await until(() => target.querySelector("[role=status]") !== null);
    expect(target.querySelector("[role=status]")?.textContent).toContain("If an account exists for someone@example.com");
    expect(calls).toEqual([{ server: "https://portal.example.net", email: "someone@example.com" }]);
    unmount(component);
  });

  it("offers the demo first and the portal as a labelled preview with no default server", () => {
    const target = document.createElement("div");
    const component = mount(Login, { target });
    flushSync();
    const demo = target.querySelector("[data-testid=demo-button]");
    const preview = target.querySelector<HTMLDetailsElement>("[data-testid=portal-preview]");
    expect(demo?.textContent).toContain("Try the demo");
    // The demo comes before the preview in the page.
    expect(demo && preview && demo.compareDocumentPosition(preview) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
    expect(preview?.open).toBe(false);
    expect(preview?.querySelector("summary")?.textContent).toContain("Portal preview");
    expect(preview?.querySelector("summary .tag")?.textContent).toBe("Preview");
    expect(target.querySelector("[data-testid=portal-preview-explain]")?.textContent).toContain(
      "Servercow’s customer portal has no public API",
    );
    expect(target.querySelector<HTMLInputElement>("[data-testid=login-server]")?.value).toBe("");
    expect(target.textContent).not.toContain("cp.servercow.de");
    unmount(component);
  });

  it("refuses an empty server address next to the field, in English and German, and sends nothing", async () => {
    const calls: string[] = [];
    mockIPC((cmd) => {
      calls.push(cmd);
      return null;
    });
    const target = document.createElement("div");
    document.body.append(target);
    const component = mount(Login, { target });
    flushSync();
    const q = (id: string) => target.querySelector<HTMLInputElement>(`[data-testid=${id}]`);
    type(q("login-server"), "   ");
    type(q("login-email"), "demo@cowdesk.example");
    type(q("login-password"), "a-password");
    target.querySelector("[data-testid=portal-preview] form")?.dispatchEvent(new SubmitEvent("submit", { bubbles: true, cancelable: true }));
    flushSync();
    expect(q("server-error")?.textContent).toBe(
      "Enter the address of a server that speaks cowdesk’s portal contract, such as the sandbox. There is no default: Servercow’s customer portal has no public API.",
    );
    expect(q("login-server")?.getAttribute("aria-invalid")).toBe("true");
    expect(q("login-server")?.getAttribute("aria-describedby")).toBe("server-error");
    expect(document.activeElement).toBe(q("login-server"));
    expect(q("login-error")?.textContent).toContain("Please check the marked fields.");

    locale.lang = "de";
    flushSync();
    expect(q("server-error")?.textContent).toBe(
      "Geben Sie die Adresse eines Servers ein, der die Portal-Schnittstelle von cowdesk spricht, etwa die Sandbox. Eine Voreinstellung gibt es nicht: Das Kundenportal von Servercow hat keine öffentliche API.",
    );
    // "Forgot password?" needs the address too.
    target.querySelector<HTMLButtonElement>("[data-testid=forgot-password]")?.click();
    flushSync();
    expect(q("server-error")).not.toBeNull();
    await Promise.resolve();
    expect(calls).toEqual([]);

    // Typing an address clears the mark.
    type(q("login-server"), "http://127.0.0.1:8080");
    expect(q("server-error")).toBeNull();
    unmount(component);
    target.remove();
  });
});
