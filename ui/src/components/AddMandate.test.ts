import { afterEach, describe, expect, it } from "vitest";
import { flushSync, mount, unmount } from "svelte";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import AddMandate from "./AddMandate.svelte";
import type { Mandate } from "../lib/bindings/Mandate";
import type { SepaCheck } from "../lib/bindings/SepaCheck";
import { locale } from "../lib/i18n.svelte";
import { until } from "../test/util";

const ACCOUNT = "acc-100001";

/** A stand-in for core's check: the IBAN must be 22 characters long. */
function check(args: { holder: string; iban: string; bic: string }): SepaCheck {
  const compact = args.iban.replace(/\s/g, "").toUpperCase();
  const problems = [];
  if (!args.holder.trim()) problems.push({ field: "holder", message: "Enter the account holder.", message_de: "Kontoinhaber fehlt." });
  if (compact.length !== 22)
    problems.push({
      field: "iban",
      message: `An IBAN of this country has 22 characters; this one has ${compact.length}.`,
      message_de: `Eine IBAN dieses Landes hat 22 Zeichen; diese hat ${compact.length}.`,
    });
  return { iban_grouped: compact.replace(/(.{4})/g, "$1 ").trim(), iban_country: compact.slice(0, 2) || null, problems };
}

const added: Mandate = {
  id: "acc-100001-m101",
  kind: "sepa",
  label: "DE89 **** **** **** **30 00",
  status: "active",
  is_default: false,
  created_on: "2026-11-25",
};

afterEach(() => {
  clearMocks();
  locale.lang = "en";
});

function render(onadded: (m: Mandate) => void = () => {}) {
  const target = document.createElement("div");
  document.body.append(target);
  const component = mount(AddMandate, { target, props: { accountId: ACCOUNT, onclose: () => {}, onadded } });
  return { target, done: () => unmount(component) };
}

const q = (root: HTMLElement, id: string) => root.querySelector<HTMLElement>(`[data-testid=${id}]`);

function type(input: HTMLElement | null, value: string) {
  const field = input as HTMLInputElement;
  field.value = value;
  field.dispatchEvent(new Event("input", { bubbles: true }));
  flushSync();
}

describe("adding a mandate", () => {
  it("checks the IBAN while typing, in German, and groups it in fours", async () => {
    locale.lang = "de";
    mockIPC((cmd, args) => (cmd === "check_sepa" ? check(args as { holder: string; iban: string; bic: string }) : null));
    const { target, done } = render();
    type(q(target, "sepa-iban"), "de8937040044053201300");
    await until(() => q(target, "field-error-iban") !== null);
    expect(q(target, "field-error-iban")?.textContent).toContain("22 Zeichen; diese hat 21");
    expect(q(target, "iban-grouped")?.textContent).toBe("DE89 3704 0044 0532 0130 0");
    type(q(target, "sepa-iban"), "DE89370400440532013000");
    await until(() => q(target, "field-error-iban") === null);
    done();
  });

  it("shows the mandate text and sends nothing until it is agreed to", async () => {
    const calls: string[] = [];
    let result: Mandate | null = null;
    mockIPC((cmd, args) => {
      calls.push(cmd);
      if (cmd === "check_sepa") return check(args as { holder: string; iban: string; bic: string });
      if (cmd === "add_sepa_mandate") return added;
      return null;
    });
    const { target, done } = render((m) => (result = m));
    expect(q(target, "mandate-text")?.textContent).toContain("direct debit");
    type(q(target, "sepa-holder"), "Anna Müller");
    type(q(target, "sepa-iban"), "DE89 3704 0044 0532 0130 00");
    await until(() => q(target, "iban-grouped")?.textContent === "DE89 3704 0044 0532 0130 00");
    q(target, "sepa-submit")?.click();
    await until(() => q(target, "field-error-agree") !== null);
    expect(calls).not.toContain("add_sepa_mandate");
    q(target, "sepa-agree")?.click();
    flushSync();
    q(target, "sepa-submit")?.click();
    await until(() => result !== null);
    expect(calls).toContain("add_sepa_mandate");
    done();
  });

  it("shows the server's field errors next to the field", async () => {
    mockIPC((cmd, args) => {
      if (cmd === "check_sepa") return check(args as { holder: string; iban: string; bic: string });
      if (cmd === "add_sepa_mandate") {
        throw {
          kind: "invalid_input",
          message: "Please check the highlighted fields.",
          message_de: "Bitte prüfen Sie die markierten Felder.",
          fields: { iban: "The bank of this account does not allow direct debits." },
        };
      }
      return null;
    });
    const { target, done } = render();
    type(q(target, "sepa-holder"), "Anna Müller");
    type(q(target, "sepa-iban"), "DE02120300000000202051");
    q(target, "sepa-agree")?.click();
    await until(() => q(target, "iban-grouped")?.textContent === "DE02 1203 0000 0000 2020 51");
    q(target, "sepa-submit")?.click();
    await until(() => q(target, "field-error-iban") !== null);
    expect(q(target, "field-error-iban")?.textContent).toContain("does not allow direct debits");
    expect(q(target, "add-error")?.textContent).toContain("check the marked fields");
    done();
  });

  it("waits for the provider's approval and can stop waiting", async () => {
    const calls: string[] = [];
    let finish: (value: unknown) => void = () => {};
    mockIPC((cmd) => {
      calls.push(cmd);
      if (cmd === "check_sepa") return check({ holder: "", iban: "", bic: "" });
      if (cmd === "add_provider_mandate") {
        return new Promise((_, reject) => {
          finish = () =>
            reject({ kind: "conflict", message: "You stopped waiting for the approval. Nothing was added.", message_de: "x", fields: {}, fields_de: {}, server_words: false });
        });
      }
      if (cmd === "cancel_mandate_approval") finish(null);
      return null;
    });
    const { target, done } = render();
    q(target, "mandate-kind-paypal")?.click();
    flushSync();
    q(target, "provider-continue")?.click();
    await until(() => q(target, "approval-waiting") !== null);
    expect(calls).toContain("add_provider_mandate");
    q(target, "approval-cancel")?.click();
    await until(() => q(target, "add-error") !== null);
    expect(calls).toContain("cancel_mandate_approval");
    expect(q(target, "add-error")?.textContent).toContain("Nothing was added");
    done();
  });
});
