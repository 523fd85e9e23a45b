import { afterEach, describe, expect, it } from "vitest";
import { flushSync, mount, unmount } from "svelte";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import Login from "./Login.svelte";
import { locale } from "../lib/i18n.svelte";
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
});

describe("login", () => {
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
    expect(q("login-server")?.value).toBe("https://cp.servercow.de");
    type(q("login-email"), "demo@cowdesk.example");
    type(q("login-password"), "wrong");
    target.querySelector("form")?.dispatchEvent(new SubmitEvent("submit", { bubbles: true, cancelable: true }));
    flushSync();
    // Busy while the command runs.
    expect(q("login-submit")?.disabled).toBe(true);
    await until(() => q("login-error") !== null);
    expect(q("login-error")?.textContent).toContain("Die E-Mail-Adresse oder das Passwort ist falsch.");
    expect(q("login-submit")?.disabled).toBe(false);
    expect(calls).toEqual([{ server: "https://cp.servercow.de", email: "demo@cowdesk.example", password: "wrong" }]);
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
    target.querySelector("form")?.dispatchEvent(new SubmitEvent("submit", { bubbles: true, cancelable: true }));
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
    type(target.querySelector("[data-testid=login-email]"), "someone@example.com");
    target.querySelector<HTMLButtonElement>("[data-testid=forgot-password]")?.click();
    await until(() => target.querySelector("[role=status]") !== null);
    expect(target.querySelector("[role=status]")?.textContent).toContain("If an account exists for someone@example.com");
    expect(calls).toEqual([{ server: "https://cp.servercow.de", email: "someone@example.com" }]);
    unmount(component);
  });
});
