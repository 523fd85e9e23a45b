import { afterEach, describe, expect, it } from "vitest";
import { flushSync, mount, unmount } from "svelte";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import Support from "./Support.svelte";
import type { BounceExplanation } from "../lib/bindings/BounceExplanation";
import type { CachedTicketThread } from "../lib/bindings/CachedTicketThread";
import type { ErrorInfo } from "../lib/bindings/ErrorInfo";
import type { SupportDraft } from "../lib/bindings/SupportDraft";
import type { SupportForm } from "../lib/bindings/SupportForm";
import type { SupportGuardHit } from "../lib/bindings/SupportGuardHit";
import type { Ticket } from "../lib/bindings/Ticket";
import { app } from "../lib/app.svelte";
import { locale } from "../lib/i18n.svelte";
import { desk, resetDesk } from "../lib/support.svelte";
import { until } from "../test/util";

const ACCOUNT = "acc-100001";
const LINK = "http://127.0.0.1:4711/yopass/#/s/4kPz9QwErTyUiOpAsDfGhJ/AbCdEfGhIjKlMnOpQrStUv";
const PASSWORD = "Sommer2026!";

const FORMS: SupportForm[] = [
  {
    category: "technical_problem",
    title_en: "Technical problem",
    title_de: "Technisches Problem",
    fields: [
      { key: "customer_number", label_en: "Customer number", label_de: "Kundennummer", kind: "text", required: true },
      { key: "affected", label_en: "Affected domain or email address", label_de: "Betroffene Domain oder E-Mail-Adresse", kind: "text", required: true },
      { key: "error_message", label_en: "Exact error message", label_de: "Genaue Fehlermeldung", kind: "long_text", required: true },
      { key: "time", label_en: "Time of the issue", label_de: "Zeitpunkt des Problems", kind: "date_time", required: true },
      { key: "client", label_en: "Client or service in use", label_de: "Verwendetes Programm oder Dienst", kind: "text", required: true },
    ],
  },
  {
    category: "mail_not_arriving",
    title_en: "Mail not arriving",
    title_de: "Mail kommt nicht an",
    fields: [
      { key: "sender", label_en: "Sender address", label_de: "Absenderadresse", kind: "email", required: true },
      { key: "recipient", label_en: "Recipient address", label_de: "Empfängeradresse", kind: "email", required: true },
      { key: "sent_at", label_en: "Time of sending", label_de: "Zeitpunkt des Versands", kind: "date_time", required: true },
      { key: "bounce", label_en: "Complete bounce message", label_de: "Vollständige Unzustellbarkeitsnachricht", kind: "long_text", required: false },
      { key: "headers", label_en: "Mail headers / Authentication-Results", label_de: "Mail-Header / Authentication-Results", kind: "long_text", required: false },
    ],
  },
];

const tickets: Ticket[] = [
  { id: "acc-100001-t1", subject: "Frage zur Rechnung", status: "answered", created_at: "2026-11-13T09:30:00Z" },
  { id: "acc-100001-t2", subject: "Umzug der Domain", status: "closed", created_at: "2026-08-30T09:30:00Z" },
];

const explained: BounceExplanation = {
  reason: "unknown_recipient",
  permanent: true,
  status: "5.1.1",
  reply_code: 550,
  recipient: "kijitora@example.co.jp",
  reporting_mta: "mv-osn-hcb007.ocn.ad.jp",
  remote_mta: "mx01.example.co.jp",
  diagnostic: "550 5.1.1 Address rejected kijitora@example.co.jp",
  explanation_en: "The address kijitora@example.co.jp does not exist at the recipient's mail server.",
  explanation_de: "Die Adresse kijitora@example.co.jp gibt es beim Mailserver des Empfängers nicht.",
  next_step: "check_address",
  next_step_target: null,
  original_sender: "shironeko@example.ne.jp",
  original_date: "Mon, 24 May 2010 19:06:50 +0900",
  original_subject: "Nyaan",
  original_headers: "From: shironeko <shironeko@example.ne.jp>\nAuthentication-Results: mx; spf=pass",
  authentication_results: ["mx; spf=pass"],
};

type Args = Record<string, unknown>;

function fieldError(fields: Record<string, [string, string]>): ErrorInfo {
  return {
    kind: "invalid_input",
    message: Object.values(fields).map(([en]) => en).join(" "),
    message_de: Object.values(fields).map(([, de]) => de).join(" "),
    fields: Object.fromEntries(Object.entries(fields).map(([k, [en]]) => [k, en])),
    fields_de: Object.fromEntries(Object.entries(fields).map(([k, [, de]]) => [k, de])),
    server_words: false,
  };
}

/** The guard as the core words it, for the test's one kind of secret: a `Passwort:` line. */
function guardOf(draft: SupportDraft): SupportGuardHit[] {
  return Object.entries(draft.values).flatMap(([field, value]) => {
    const at = value.indexOf(`Passwort: ${PASSWORD}`);
    if (at < 0) return [];
    const start = at + "Passwort: ".length;
    return [{ field, finding: { kind: "password_line", masked: "So•••••••6!", start, end: start + PASSWORD.length, label: null } }];
  });
}

function backend(options: { handOffFails?: boolean; createFails?: boolean; thread?: CachedTicketThread } = {}) {
  const calls: Record<string, Args[]> = {};
  mockIPC((cmd, raw) => {
    const args = (raw ?? {}) as Args;
    (calls[cmd] ??= []).push(args);
    switch (cmd) {
      case "support_tickets":
        return { items: tickets, permitted: true, last_synced: "2026-12-03T08:00:00Z" };
      case "support_ticket_thread":
        return (
          options.thread ?? {
            ticket: tickets[0],
            messages: [
              { author: "customer", body: "Doppelt berechnet?", sent_at: "2026-11-13T09:30:00Z" },
              { author: "support", body: "Die Rechnung ist korrekt.", sent_at: "2026-11-13T12:30:00Z" },
            ],
            fetched_at: "2026-12-03T08:00:00Z",
            from_cache: false,
          }
        );
      case "support_forms":
        return FORMS;
      case "support_context":
        return { customer_number: "100001", login_email: "demo@cowdesk.example", invoices: [], services: [], domains: ["mueller-shop.de"], mailboxes: ["info@mueller-shop.de"] };
      case "support_draft":
        return { category: args.category, values: { customer_number: "100001", affected: "mueller-shop.de" } };
      case "support_check": {
        const draft = args.draft as SupportDraft;
        const form = FORMS.find((f) => f.category === draft.category)!;
        const missing = form.fields.filter((f) => f.required && !(draft.values[f.key] ?? "").trim());
        if (missing.length > 0) {
          throw fieldError(Object.fromEntries(missing.map((f) => [f.key, [`Enter: ${f.label_en}.`, `Bitte angeben: ${f.label_de}.`]])));
        }
        return { category: draft.category, subject: `${form.title_de} / ${form.title_en}`, body: Object.values(draft.values).join("\n") };
      }
      case "support_guard":
        return guardOf(args.draft as SupportDraft);
      case "support_replace_finding": {
        const draft = structuredClone(args.draft) as SupportDraft;
        const field = args.field as string;
        const finding = args.finding as SupportGuardHit["finding"];
        const value = draft.values[field]!;
        draft.values[field] = value.slice(0, finding.start) + LINK + value.slice(finding.end);
        return draft;
      }
      case "support_hand_off": {
        if (options.handOffFails) throw { kind: "offline", message: "The portal cannot be reached.", message_de: "Das Portal ist nicht erreichbar.", fields: {}, fields_de: {}, server_words: false };
        if (guardOf(args.draft as SupportDraft).length > 0) throw fieldError({ body: ["The ticket contains secrets", "Das Ticket enthält Geheimnisse"] });
        return args.via === "send"
          ? { mode: "sent", ticket_id: "acc-100001-t3", subject: "Technisches Problem / Technical problem: mueller-shop.de" }
          : { mode: "portal", url: "https://cp.servercow.de", steps_en: "Sign in and paste.", steps_de: "Anmelden und einfügen.", subject: "S", body: "B" };
      }
      case "support_secret_settings":
        return { server: "http://127.0.0.1:4711/yopass", default_server: "http://127.0.0.1:4711/yopass" };
      case "support_create_secret":
        if (options.createFails) throw { kind: "offline", message: "The secret service cannot be reached.", message_de: "Der Secret-Dienst ist nicht erreichbar.", fields: {}, fields_de: {}, server_words: false };
        return { link: LINK, id: "4kPz9QwErTyUiOpAsDfGhJ", server: "http://127.0.0.1:4711/yopass", expiry: args.expiry, one_time: args.oneTime };
      case "support_copy_secret_link":
        return null;
      case "support_explain_bounce":
        if (!(args.text as string).includes("Reporting-MTA")) throw fieldError({ bounce: ["This is not a mail message.", "Das ist keine E-Mail-Nachricht."] });
        return explained;
      case "support_bounce_draft":
        return {
          category: "mail_not_arriving",
          values: { sender: "shironeko@example.ne.jp", recipient: "kijitora@example.co.jp", sent_at: "Mon, 24 May 2010 19:06:50 +0900", bounce: args.text, headers: explained.original_headers },
        };
      default:
        return null;
    }
  });
  return calls;
}

afterEach(() => {
  clearMocks();
  resetDesk();
  locale.lang = "en";
  document.body.innerHTML = "";
});

function render() {
  app.selected = ACCOUNT;
  const target = document.createElement("div");
  document.body.append(target);
  const component = mount(Support, { target, props: { accountId: ACCOUNT } });
  return () => unmount(component);
}

const q = <T extends HTMLElement = HTMLElement>(id: string) => document.querySelector<T>(`[data-testid=${id}]`);
const all = (id: string) => [...document.querySelectorAll<HTMLElement>(`[data-testid=${id}]`)];

function click(id: string) {
  const el = q(id);
  if (!el) throw new Error(`no ${id}`);
  el.click();
  flushSync();
}

function type(id: string, value: string) {
  const input = q<HTMLInputElement | HTMLTextAreaElement>(id);
  if (!input) throw new Error(`no ${id}`);
  input.value = value;
  // Typed text bubbles, as in the browser (the form listens on the document).
  input.dispatchEvent(new Event("input", { bubbles: true }));
  flushSync();
}

describe("support desk view (support)", () => {
  it("support: lists the cached tickets with their state and opens a thread", async () => {
    const calls = backend();
    const done = render();
    await until(() => all("support-ticket-row").length === 2);
    expect(all("support-ticket-row").map((r) => r.dataset.status)).toEqual(["answered", "closed"]);
    expect(q("support-tickets")?.textContent).toContain("Answered");
    (document.querySelector("[data-testid=support-ticket-row] button") as HTMLButtonElement).click();
    flushSync();
    await until(() => all("support-message").length === 2);
    expect(calls.support_ticket_thread).toEqual([{ accountId: ACCOUNT, ticketId: "acc-100001-t1" }]);
    expect(all("support-message").map((m) => m.dataset.author)).toEqual(["customer", "support"]);
    expect(q("support-thread")?.textContent).toContain("Servercow support");
    expect(q("support-thread-cached")).toBeNull();
    click("support-thread-back");
    expect(all("support-ticket-row")).toHaveLength(2);
    done();
  });

  it("support: a thread from the cache says so, in German", async () => {
    locale.lang = "de";
    backend({ thread: { ticket: tickets[0]!, messages: [], fetched_at: null, from_cache: true } });
    const done = render();
    await until(() => all("support-ticket-row").length === 2);
    (document.querySelector("[data-testid=support-ticket-row] button") as HTMLButtonElement).click();
    flushSync();
    await until(() => q("support-thread-cached") !== null);
    expect(q("support-thread-cached")?.textContent).toContain("nicht erreichbar");
    expect(q("support-thread-status")?.textContent).toBe("Beantwortet");
    done();
  });

  it("support: a new ticket asks the form's fields prefilled, refuses what is missing per field in German, keeps every value", async () => {
    locale.lang = "de";
    const calls = backend();
    desk.tab = "new";
    const done = render();
    await until(() => q("support-category-technical_problem") !== null);
    click("support-category-technical_problem");
    await until(() => q("support-form") !== null);
    expect(calls.support_draft?.[0]).toEqual({
      accountId: ACCOUNT,
      category: "technical_problem",
      selection: { invoice_number: null, service_id: null, domain: null, mailbox: null },
    });
    const keys = all("support-form").flatMap((f) => [...f.querySelectorAll<HTMLElement>("[data-testid^=support-field-]")]).map((f) => f.dataset.testid);
    expect(keys).toEqual(FORMS[0]!.fields.map((f) => `support-field-${f.key}`));
    expect(q<HTMLInputElement>("support-input-customer_number")?.value).toBe("100001");
    expect(q("support-form")?.textContent).toContain("Genaue Fehlermeldung");
    type("support-input-client", "Thunderbird 128");
    click("support-send");
    await until(() => q("support-problem-error_message") !== null);
    expect(q("support-problem-error_message")?.textContent).toBe("Bitte angeben: Genaue Fehlermeldung.");
    expect(q("support-problem-time")?.textContent).toBe("Bitte angeben: Zeitpunkt des Problems.");
    expect(q("support-problem-client")).toBeNull();
    expect(calls.support_hand_off).toBeUndefined();
    expect(document.activeElement).toBe(q("support-input-error_message"));
    expect(q<HTMLInputElement>("support-input-client")?.value).toBe("Thunderbird 128");
    // Fixing a field and leaving it clears its message.
    type("support-input-error_message", "Der Versand schlägt fehl.");
    q("support-input-error_message")?.dispatchEvent(new Event("blur"));
    await until(() => q("support-problem-error_message") === null);
    expect(q("support-problem-time")).not.toBeNull();
    done();
  });

  it("support: the password guard stops the hand-off, replaces the password with a secret link in place, then sends", async () => {
    const calls = backend();
    desk.tab = "new";
    const done = render();
    await until(() => q("support-category-technical_problem") !== null);
    click("support-category-technical_problem");
    await until(() => q("support-form") !== null);
    type("support-input-error_message", `Login fails.\nPasswort: ${PASSWORD}\nThanks`);
    type("support-input-time", "2026-12-03 14:20");
    type("support-input-client", "Thunderbird");
    click("support-send");
    await until(() => q("support-guard") !== null);
    expect(calls.support_hand_off).toBeUndefined();
    expect(all("support-guard-finding").map((f) => f.textContent?.trim().split("\n")[0])).toHaveLength(1);
    expect(q("support-guard")?.textContent).toContain("Exact error message: a password line (So•••••••6!)");
    expect(q("support-guard")?.textContent).not.toContain(PASSWORD);
    expect(q("support-field-error_message")?.dataset.invalid).toBe("true");
    click("support-guard-replace");
    await until(() => q("support-guard-note") !== null);
    expect(calls.support_replace_finding?.[0]).toMatchObject({ field: "error_message", expiry: "week", oneTime: true });
    expect(q<HTMLTextAreaElement>("support-input-error_message")?.value).toBe(`Login fails.\nPasswort: ${LINK}\nThanks`);
    expect(q("support-guard-note")?.textContent).toContain("No passwords found any more");
    click("support-send");
    await until(() => q("support-result") !== null);
    expect(calls.support_hand_off).toHaveLength(1);
    expect((calls.support_hand_off![0]!.draft as SupportDraft).values.error_message).toContain(LINK);
    expect(calls.support_hand_off![0]!.via).toBe("send");
    expect(q("support-sent")?.dataset.ticketId).toBe("acc-100001-t3");
    expect(desk.drafts[ACCOUNT]).toBeUndefined();
    done();
  });

  it("support: a failed hand-off keeps the draft and says why; the portal hand-off shows the text", async () => {
    backend({ handOffFails: true });
    desk.tab = "new";
    desk.drafts[ACCOUNT] = {
      category: "technical_problem",
      values: { customer_number: "100001", affected: "mueller-shop.de", error_message: "x", time: "now", client: "Outlook" },
      fromBounce: false,
    };
    const done = render();
    await until(() => q("support-form") !== null);
    click("support-send");
    await until(() => q("support-failure") !== null);
    expect(q("support-failure")?.textContent).toBe("The portal cannot be reached.");
    expect(q<HTMLInputElement>("support-input-client")?.value).toBe("Outlook");
    clearMocks();
    backend();
    click("support-portal");
    await until(() => q("support-result") !== null);
    expect(q("support-result")?.dataset.mode).toBe("portal");
    expect(q("support-result")?.textContent).toContain("https://cp.servercow.de");
    expect(q<HTMLTextAreaElement>("support-portal-text")?.value).toBe("S\n\nB");
    done();
  });

  it("support: shares a secret, shows the link with the note about the key, copies it through Rust, keeps nothing", async () => {
    const calls = backend();
    desk.tab = "secret";
    const done = render();
    await until(() => q("support-secret-text") !== null && calls.support_secret_settings !== undefined);
    expect(q<HTMLInputElement>("support-secret-one-time")?.checked).toBe(true);
    expect(q<HTMLInputElement>("support-secret-expiry-week")?.checked).toBe(true);
    type("support-secret-text", PASSWORD);
    q<HTMLInputElement>("support-secret-expiry-day")!.click();
    flushSync();
    click("support-secret-create");
    await until(() => q("support-secret-result") !== null);
    expect(calls.support_create_secret).toEqual([{ secret: PASSWORD, expiry: "day", oneTime: true }]);
    expect(q<HTMLInputElement>("support-secret-link")?.value).toBe(LINK);
    expect(q("support-secret-key-note")?.textContent).toContain("key is part of this link");
    expect(q("support-secret-result")?.textContent).toContain("opened once");
    expect(q("support-secret-result")?.textContent).toContain("1 day");
    click("support-secret-copy");
    await until(() => calls.support_copy_secret_link !== undefined);
    expect(calls.support_copy_secret_link).toEqual([{ id: "4kPz9QwErTyUiOpAsDfGhJ" }]);
    click("support-secret-another");
    expect(q<HTMLTextAreaElement>("support-secret-text")?.value).toBe("");
    done();
  });

  it("support: a secret that could not be shared stays typed, with the reason in German", async () => {
    locale.lang = "de";
    backend({ createFails: true });
    desk.tab = "secret";
    const done = render();
    await until(() => q("support-secret-text") !== null);
    type("support-secret-text", PASSWORD);
    click("support-secret-create");
    await until(() => q("support-secret-error") !== null);
    expect(q("support-secret-error")?.textContent).toBe("Der Secret-Dienst ist nicht erreichbar.");
    expect(q<HTMLTextAreaElement>("support-secret-text")?.value).toBe(PASSWORD);
    done();
  });

  it("support: explains a pasted bounce and makes a mail-not-arriving ticket of it", async () => {
    const calls = backend();
    desk.tab = "bounce";
    const done = render();
    await until(() => q("support-bounce-text") !== null);
    type("support-bounce-text", "just some text");
    click("support-bounce-explain");
    await until(() => q("support-bounce-problem") !== null);
    expect(q("support-bounce-problem")?.textContent).toBe("This is not a mail message.");
    const bounce = "From: MAILER-DAEMON\n\nReporting-MTA: dns; mv-osn-hcb007.ocn.ad.jp";
    type("support-bounce-text", bounce);
    click("support-bounce-explain");
    await until(() => q("support-bounce-result") !== null);
    expect(calls.support_explain_bounce?.[1]).toEqual({ accountId: ACCOUNT, text: bounce });
    expect(q("support-bounce-reason")?.textContent).toBe("The recipient’s address does not exist");
    expect(q("support-bounce-kind")?.textContent?.trim()).toBe("Permanent");
    expect(q("support-bounce-status")?.textContent).toBe("5.1.1");
    expect(q("support-bounce-reply")?.textContent).toBe("550");
    expect(q("support-bounce-remote")?.textContent).toBe("mx01.example.co.jp");
    expect(q("support-bounce-recipient")?.textContent).toBe("kijitora@example.co.jp");
    locale.lang = "de";
    flushSync();
    expect(q("support-bounce-explanation")?.textContent).toBe(explained.explanation_de);
    expect(q("support-bounce-kind")?.textContent?.trim()).toBe("Dauerhaft");
    locale.lang = "en";
    flushSync();
    click("support-bounce-ask");
    await until(() => q("support-form") !== null);
    expect(q("support-form")?.dataset.category).toBe("mail_not_arriving");
    expect(q<HTMLInputElement>("support-input-recipient")?.value).toBe("kijitora@example.co.jp");
    expect(q<HTMLTextAreaElement>("support-input-headers")?.value).toContain("Authentication-Results");
    expect(q<HTMLTextAreaElement>("support-input-bounce")?.value).toBe(bounce);
    expect(q("support-form")?.textContent).toContain("original message’s headers are attached");
    done();
  });

  it("support: an authentication bounce opens the DNS doctor of the sender's domain in one click, and comes back", async () => {
    backend();
    desk.tab = "bounce";
    desk.bounceText = "Reporting-MTA: dns; x";
    desk.explained = {
      accountId: ACCOUNT,
      text: desk.bounceText,
      explanation: { ...explained, reason: "authentication", next_step: "dns_doctor", next_step_target: "mueller-shop.de" },
    };
    const done = render();
    await until(() => q("support-bounce-dns") !== null);
    expect(q("support-bounce-dns")?.textContent).toBe("Check the DNS of mueller-shop.de");
    click("support-bounce-dns");
    await until(() => q("dns-doctor") !== null);
    expect(q("dns-doctor")?.dataset.domain).toBe("mueller-shop.de");
    expect(q("dns-back")?.textContent).toContain("Back to the bounce");
    click("dns-back");
    await until(() => q("support-bounce-result") !== null);
    expect(q("support-bounce-result")?.dataset.reason).toBe("authentication");
    done();
  });

  it("support: the tabs answer the arrow keys", async () => {
    backend();
    const done = render();
    await until(() => q("support-tab-tickets") !== null);
    q("support-tab-tickets")!.focus();
    q("support-tab-tickets")!.dispatchEvent(new KeyboardEvent("keydown", { key: "ArrowRight", bubbles: true }));
    flushSync();
    await until(() => desk.tab === "new");
    expect(q("support-tab-new")?.getAttribute("aria-selected")).toBe("true");
    q("support-tab-new")!.dispatchEvent(new KeyboardEvent("keydown", { key: "End", bubbles: true }));
    flushSync();
    await until(() => desk.tab === "bounce");
    done();
  });
});
