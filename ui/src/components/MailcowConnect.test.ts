import { afterEach, describe, expect, it } from "vitest";
import { flushSync, mount, unmount } from "svelte";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import MailcowConnect from "./MailcowConnect.svelte";
import { locale } from "../lib/i18n.svelte";
import { until } from "../test/util";

function type(input: HTMLInputElement | null, value: string) {
  if (!input) throw new Error("input missing");
  input.value = value;
  input.dispatchEvent(new Event("input", { bubbles: true }));
  flushSync();
}

const connection = {
  id: "mailcow-0a0b",
  kind: "session",
  url: "https://hosted.mailcow.de",
  user: "anna@example.test",
  access: "read_write",
  state: "needs_totp",
  last_error: null,
  last_error_de: null,
  last_synced: null,
  domains: 0,
  mailboxes: 0,
};

afterEach(() => {
  clearMocks();
  locale.lang = "en";
});

describe("mailcow connect", () => {
  it("mailcow hosted login goes to hosted.mailcow.de, asks for the TOTP code, shows a wrong code next to it in German", async () => {
    const calls: [string, unknown][] = [];
    let codes = 0;
    mockIPC((cmd, args) => {
      calls.push([cmd, args]);
      if (cmd === "connect_mailcow_session") return { connection, totp_needed: true };
      if (cmd === "verify_mailcow_totp") {
        codes += 1;
        if (codes === 1) {
          throw {
            kind: "invalid_credentials",
            message: "The mailcow did not accept this code.",
            message_de: "Der mailcow hat diesen Code nicht angenommen.",
            fields: { totp: "The mailcow did not accept this code." },
            fields_de: { totp: "Der mailcow hat diesen Code nicht angenommen." },
            server_words: false,
          };
        }
        return { ...connection, state: "connected" };
      }
      if (cmd === "sync_connection") return { connection_id: connection.id, domains: 1, mailboxes: 2, aliases: 0, new_alerts: 0, error: null };
      if (cmd === "list_connections") return [{ ...connection, state: "connected" }];
      return null;
    });
    locale.lang = "de";
    const done: unknown[] = [];
    const waiting: string[] = [];
    const target = document.createElement("div");
    const component = mount(MailcowConnect, {
      target,
      props: { kind: "session", onconnected: (c) => void done.push(c), onwaiting: (c) => void waiting.push(c.state) },
    });
    flushSync();
    const q = (id: string) => target.querySelector<HTMLInputElement>(`[data-testid=${id}]`);
    expect(q("mc-hosted-url")?.value).toBe("https://hosted.mailcow.de");
    type(q("mc-hosted-user"), "anna@example.test");
    type(q("mc-hosted-password"), "secret-pass");
    const submit = () => target.querySelector("form")?.dispatchEvent(new SubmitEvent("submit", { bubbles: true, cancelable: true }));
    submit();
    await until(() => q("mc-hosted-totp") !== null);
    // The kept login, waiting for its code, is announced (the connections page lists it).
    expect(waiting).toEqual(["needs_totp"]);
    // The password is not kept in the form once the server asked for the code.
    expect(calls[0]).toEqual(["connect_mailcow_session", { url: "https://hosted.mailcow.de", user: "anna@example.test", password: "secret-pass", totp: null }]);
    type(q("mc-hosted-totp"), "000000");
    submit();
    await until(() => q("mc-hosted-totp-error") !== null);
    expect(q("mc-hosted-totp-error")?.textContent).toBe("Der mailcow hat diesen Code nicht angenommen.");
    expect(done).toEqual([]);
    type(q("mc-hosted-totp"), "123456");
    submit();
    await until(() => done.length === 1);
    expect(calls.map((c) => c[0])).toEqual([
      "connect_mailcow_session",
      "verify_mailcow_totp",
      "verify_mailcow_totp",
      "sync_connection",
      "list_connections",
    ]);
    unmount(component);
  });

  it("mailcow API key form explains read-only and read-write and shows a refused key next to the key", async () => {
    mockIPC((cmd) => {
      if (cmd !== "connect_mailcow_api_key") return null;
      throw {
        kind: "invalid_credentials",
        message: "The mailcow does not know this API key.",
        message_de: "Der mailcow kennt diesen API-Schlüssel nicht.",
        fields: { apiKey: "The mailcow does not know this API key." },
        fields_de: { apiKey: "Der mailcow kennt diesen API-Schlüssel nicht." },
        server_words: false,
      };
    });
    const target = document.createElement("div");
    const component = mount(MailcowConnect, { target, props: { kind: "api_key", onconnected: () => {} } });
    flushSync();
    expect(target.textContent).toContain("A read-only key lets cowdesk show");
    expect(target.textContent).toContain("A read-write key also lets cowdesk add");
    const q = (id: string) => target.querySelector<HTMLInputElement>(`[data-testid=${id}]`);
    type(q("mc-managed-url"), "https://mail.example.test");
    type(q("mc-managed-key"), "WRONG-KEY");
    target.querySelector("form")?.dispatchEvent(new SubmitEvent("submit", { bubbles: true, cancelable: true }));
    await until(() => q("mc-managed-key-error") !== null);
    expect(q("mc-managed-key-error")?.textContent).toBe("The mailcow does not know this API key.");
    expect(q("mc-managed-key")?.getAttribute("aria-invalid")).toBe("true");
    unmount(component);
  });
});
