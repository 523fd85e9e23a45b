import { afterEach, describe, expect, it } from "vitest";
import { flushSync, mount } from "svelte";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import LoadError from "./LoadError.svelte";
import type { ErrorInfo } from "../lib/bindings/ErrorInfo";
import { locale } from "../lib/i18n.svelte";
import { until } from "../test/util";

afterEach(() => {
  clearMocks();
  locale.lang = "en";
  document.body.replaceChildren();
});

function error(kind: ErrorInfo["kind"], message: string, message_de: string): ErrorInfo {
  return { kind, message, message_de, fields: {}, fields_de: {}, server_words: false };
}

const damaged = error(
  "cache_damaged",
  "The local cache is damaged. Quit cowdesk and start it again: it is then set aside and a new one is begun.",
  "Der lokale Zwischenspeicher ist beschädigt. Beenden Sie cowdesk und starten Sie es erneut.",
);

function shown(info: ErrorInfo, onretry: () => void): HTMLElement {
  const target = document.createElement("div");
  document.body.append(target);
  mount(LoadError, { target, props: { error: info, onretry } });
  flushSync();
  return target;
}

describe("a view that could not load", () => {
  it("offline: a damaged cache offers a restart, not a retry that cannot help, in English and German", async () => {
    const asked: string[] = [];
    mockIPC((cmd) => {
      asked.push(cmd);
      return new Promise(() => {}); // the process ends instead of answering
    });
    let retried = 0;
    locale.lang = "de";
    const de = shown(damaged, () => (retried += 1));
    const button = de.querySelector<HTMLButtonElement>("[data-testid=restart]");
    expect(button?.textContent).toBe("cowdesk neu starten");
    expect(de.textContent).not.toContain("Erneut versuchen");
    button!.click();
    flushSync();
    await until(() => asked.length === 1);
    expect(asked).toEqual(["restart_app"]);
    expect(button!.disabled).toBe(true);
    expect(retried).toBe(0);

    locale.lang = "en";
    const en = shown(damaged, () => (retried += 1));
    expect(en.querySelector("[data-testid=restart]")?.textContent).toBe("Restart cowdesk");
  });

  it("offline: a restart the window could not start can be asked for again", async () => {
    mockIPC(() => Promise.reject(error("internal", "no", "nein")));
    const target = shown(damaged, () => {});
    const button = target.querySelector<HTMLButtonElement>("[data-testid=restart]")!;
    button.click();
    flushSync();
    await until(() => !button.disabled);
    expect(button.disabled).toBe(false);
  });

  it("offline: any other failure is tried again by the view", () => {
    let retried = 0;
    const target = shown(error("storage", "The cache could not be read.", "Der Zwischenspeicher war nicht lesbar."), () => (retried += 1));
    expect(target.querySelector("[data-testid=restart]")).toBeNull();
    const button = target.querySelector("button")!;
    expect(button.textContent).toBe("Try again");
    button.click();
    expect(retried).toBe(1);
  });
});
