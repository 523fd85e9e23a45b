import { afterEach, describe, expect, it } from "vitest";
import { flushSync, mount, unmount } from "svelte";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { emit } from "@tauri-apps/api/event";
import MailDoctor from "./MailDoctor.svelte";
import type { MailDoctorReport } from "../lib/bindings/MailDoctorReport";
import type { MailFinding } from "../lib/bindings/MailFinding";
import type { MailService } from "../lib/bindings/MailService";
import type { MailSeverity } from "../lib/bindings/MailSeverity";
import type { MailTrashPreview } from "../lib/bindings/MailTrashPreview";
import { locale } from "../lib/i18n.svelte";
import { forgetRememberedForms } from "../lib/maildoctor";
import { deferred, until } from "../test/util";

const ADDRESS = "info@mueller-shop.de";
const PASSWORD = "s3cret \"pass";

function finding(service: MailService, code: string, severity: MailSeverity = "ok"): MailFinding {
  return { code, service, severity, detail: `server said ${code}`, message_en: `EN text of ${code}`, message_de: `DE Text von ${code}` };
}

const CONNECTIONS: MailService[] = ["imap_tls", "imap_starttls", "smtp_tls", "smtp_starttls"];

function okReport(extra: MailFinding[] = []): MailDoctorReport {
  return {
    address: ADDRESS,
    findings: [...CONNECTIONS.map((s) => finding(s, `${s}_ok`)), ...extra],
    quota: { used_bytes: 9_500_000, limit_bytes: 10_000_000 },
    folders: [
      { name: "Trash", special_use: "trash", messages: 40, size_bytes: 8_000_000 },
      { name: "INBOX", special_use: null, messages: 3, size_bytes: 1_000_000 },
      { name: "Junk", special_use: "junk", messages: 2, size_bytes: 500_000 },
      { name: "Sent", special_use: "sent", messages: 0, size_bytes: 0 },
    ],
  };
}

const refused: MailDoctorReport = {
  address: ADDRESS,
  findings: CONNECTIONS.map((s) => finding(s, `${s}_auth_failed`, "error")),
  quota: null,
  folders: [],
};

const preview: MailTrashPreview = {
  address: ADDRESS,
  folders: [
    { name: "Trash", special_use: "trash", messages: 40, size_bytes: 8_000_000, uid_validity: 1, uid_next: 41 },
    { name: "Junk", special_use: "junk", messages: 2, size_bytes: 500_000, uid_validity: 1, uid_next: 3 },
  ],
  messages: 42,
  bytes_to_free: 8_500_000,
  quota: { used_bytes: 9_500_000, limit_bytes: 10_000_000 },
};

type Calls = Record<string, Record<string, unknown>[]>;

function backend(options: { kept?: boolean; check?: (args: Record<string, unknown>) => unknown } = {}) {
  const calls: Calls = {};
  let kept = options.kept ?? false;
  let emptied = false;
  mockIPC(
    (cmd, args) => {
      const a = (args ?? {}) as Record<string, unknown>;
      (calls[cmd] ??= []).push(a);
      switch (cmd) {
        case "mailbox_password_kept":
          return kept;
        case "keep_mailbox_password":
          kept = true;
          return null;
        case "forget_mailbox_password":
          kept = false;
          return null;
        case "mail_doctor_check":
          return options.check ? options.check(a) : a.password === PASSWORD || (a.password === null && kept) ? okReport() : refused;
        case "mail_doctor_usage": {
          const r = okReport();
          if (!emptied) return { ...r, findings: [r.findings[0]] };
          return {
            ...r,
            findings: [r.findings[0]],
            quota: { used_bytes: 1_000_000, limit_bytes: 10_000_000 },
            folders: r.folders.map((f) => (f.special_use === "trash" || f.special_use === "junk" ? { ...f, messages: 0, size_bytes: 0 } : f)),
          };
        }
        case "mail_doctor_trash_preview":
          return preview;
        case "mail_doctor_trash_empty":
          emptied = true;
          return {
            address: ADDRESS,
            emptied: preview.folders,
            skipped: [],
            before: { used_bytes: 9_500_000, limit_bytes: 10_000_000 },
            after: { used_bytes: 1_000_000, limit_bytes: 10_000_000 },
          };
        default:
          return null;
      }
    },
    { shouldMockEvents: true },
  );
  return calls;
}

afterEach(() => {
  clearMocks();
  forgetRememberedForms();
  locale.lang = "en";
  document.body.innerHTML = "";
});

function render(intent: "check" | "usage" = "check") {
  const target = document.createElement("div");
  document.body.append(target);
  let closed = 0;
  const component = mount(MailDoctor, { target, props: { address: ADDRESS, intent, onclose: () => (closed += 1) } });
  return { done: () => unmount(component), closed: () => closed };
}

const q = <T extends HTMLElement = HTMLElement>(id: string) => document.querySelector<T>(`[data-testid=${id}]`);
const all = (id: string) => [...document.querySelectorAll<HTMLElement>(`[data-testid=${id}]`)];

function type(id: string, value: string) {
  const input = q<HTMLInputElement>(id);
  if (!input) throw new Error(`no ${id}`);
  input.value = value;
  input.dispatchEvent(new Event("input"));
  flushSync();
}

function check(id: string) {
  const box = q<HTMLInputElement>(id);
  if (!box) throw new Error(`no ${id}`);
  box.checked = true;
  box.dispatchEvent(new Event("change"));
  flushSync();
}

function submit() {
  q("md-form")?.closest("form")?.requestSubmit();
  flushSync();
}

describe("mail doctor view (maildoctor)", () => {
  it("checks with the typed password and the advanced values, one line per service, and keeps the password when asked", async () => {
    const calls = backend();
    const { done } = render();
    await until(() => calls.mailbox_password_kept !== undefined);
    expect(document.activeElement).toBe(q("md-password"));
    // The defaults are the hosted mailcow's.
    expect(q<HTMLInputElement>("md-server")?.value).toBe("hosted.mailcow.de");
    expect(q<HTMLInputElement>("md-port-smtpStarttls")?.value).toBe("587");
    type("md-password", PASSWORD);
    type("md-server", "localhost");
    type("md-port-imapTls", "10993");
    type("md-ca-file", "/tmp/test-ca.pem");
    check("md-keep");
    check("md-round-trip");
    submit();
    await until(() => q("md-results") !== null);
    expect(calls.mail_doctor_check).toEqual([
      {
        target: {
          address: ADDRESS,
          server: "localhost",
          imap_tls_port: 10993,
          imap_starttls_port: 143,
          smtp_tls_port: 465,
          smtp_starttls_port: 587,
          ca_file: "/tmp/test-ca.pem",
          username: null,
          client_smtp_port: null,
        },
        password: PASSWORD,
        roundTrip: true,
      },
    ]);
    expect(all("md-service").map((s) => `${s.dataset.service}:${s.dataset.status}`)).toEqual([
      "imap_tls:ok",
      "imap_starttls:ok",
      "smtp_tls:ok",
      "smtp_starttls:ok",
    ]);
    expect(all("md-service")[0]?.textContent).toContain("IMAP · SSL/TLS · port 10993");
    expect(all("md-service")[0]?.textContent).toContain("EN text of imap_tls_ok");
    expect(q("md-summary")?.textContent).toBe("All four connections work.");
    await until(() => document.activeElement === q("md-summary"));
    // The folders, largest first, Trash and Junk marked.
    expect(all("md-folder").map((f) => f.dataset.name)).toEqual(["Trash", "INBOX", "Junk", "Sent"]);
    expect(all("md-folder").filter((f) => f.dataset.cleanup === "true")).toHaveLength(2);
    expect(q("md-quota")?.textContent).toContain("95%");
    // Kept after the server took it; the field is empty and says so.
    await until(() => q("md-kept") !== null);
    expect(calls.keep_mailbox_password).toEqual([{ address: ADDRESS, password: PASSWORD }]);
    expect(q<HTMLInputElement>("md-password")?.value).toBe("");
    expect(q<HTMLInputElement>("md-password")?.placeholder).toContain("Kept in the keyring");
    expect(document.body.textContent).not.toContain(PASSWORD);
    done();
  });

  it("uses the kept password (none sent) and forgets it on request", async () => {
    const calls = backend({ kept: true });
    const { done } = render();
    await until(() => q("md-kept") !== null);
    submit();
    await until(() => q("md-results") !== null);
    expect(calls.mail_doctor_check?.[0]?.password).toBeNull();
    q("md-forget")?.click();
    await until(() => q("md-keep") !== null);
    expect(calls.forget_mailbox_password).toEqual([{ address: ADDRESS }]);
    expect(q("md-keep-note")?.textContent).toBe("The kept password was removed.");
    done();
  });

  it("shows a refused login per service, does not keep that password, and keeps the form", async () => {
    const calls = backend();
    const { done } = render();
    await until(() => calls.mailbox_password_kept !== undefined);
    type("md-password", "wrong");
    type("md-username", "info");
    check("md-keep");
    submit();
    await until(() => q("md-results") !== null);
    expect(all("md-service").map((s) => s.dataset.code)).toEqual(CONNECTIONS.map((s) => `${s}_auth_failed`));
    expect(q("md-summary")?.textContent).toBe("4 of 4 connections fail.");
    expect(q("md-summary")?.dataset.status).toBe("failed");
    expect(all("md-service")[2]?.textContent).toContain("server said smtp_tls_auth_failed");
    expect(calls.keep_mailbox_password).toBeUndefined();
    expect(q("md-keep-note")?.textContent).toBe("The password was not kept: the server refused it.");
    expect(q<HTMLInputElement>("md-password")?.value).toBe("wrong");
    expect(q<HTMLInputElement>("md-username")?.value).toBe("info");
    expect(q("md-usage-unknown")).not.toBeNull();
    done();
  });

  it("names wrong fields before sending, and a refused field from Rust under that field", async () => {
    const calls = backend({
      check: () => {
        throw { kind: "invalid_input", message: "The CA file /x.pem cannot be used.", message_de: "Die CA-Datei /x.pem ist nicht verwendbar.", fields: { ca_file: "x" } };
      },
    });
    const { done } = render();
    await until(() => calls.mailbox_password_kept !== undefined);
    submit();
    expect(q("md-password-help")?.textContent).toBe("Enter the mailbox password.");
    type("md-password", PASSWORD);
    type("md-port-smtpTls", "99999");
    submit();
    expect(q<HTMLInputElement>("md-port-smtpTls")?.getAttribute("aria-invalid")).toBe("true");
    expect(calls.mail_doctor_check).toBeUndefined();
    type("md-port-smtpTls", "465");
    type("md-ca-file", "/x.pem");
    submit();
    await until(() => q<HTMLInputElement>("md-ca-file")?.getAttribute("aria-invalid") === "true");
    expect(document.getElementById("md-ca-help")?.textContent?.trim()).toBe("The CA file /x.pem cannot be used.");
    expect(q<HTMLInputElement>("md-password")?.value).toBe(PASSWORD);
    expect(q<HTMLInputElement>("md-ca-file")?.value).toBe("/x.pem");
    done();
  });

  it("compares what the mail program is set to, with the Apple Mail steps for port 25", async () => {
    backend({ check: () => okReport([finding("settings", "port25_is_not_submission", "error")]) });
    const { done } = render();
    type("md-password", PASSWORD);
    type("md-client-port", "25");
    const auth = q<HTMLSelectElement>("md-client-auth")!;
    auth.value = "none";
    auth.dispatchEvent(new Event("change"));
    flushSync();
    submit();
    await until(() => q("md-results") !== null);
    expect(all("md-finding").map((f) => f.dataset.code)).toEqual(["port25_is_not_submission"]);
    expect(all("md-note").map((n) => n.dataset.key)).toEqual(["md.note.auth_not_password"]);
    expect(q("apple-mail-guide")).not.toBeNull();
    expect(q("md-summary")?.dataset.status).toBe("problem");
    done();
  });

  it("shows the progress of a running check, the round trip's wait in seconds", async () => {
    const answer = deferred<MailDoctorReport>();
    backend({ check: () => answer.promise });
    const { done } = render();
    type("md-password", PASSWORD);
    submit();
    await until(() => q<HTMLButtonElement>("md-run")?.disabled === true);
    await emit("mail-doctor-progress", { address: ADDRESS, step: "connections", done: 3, total: 4 });
    await until(() => q("md-progress")?.dataset.step === "connections");
    expect(q("md-progress")?.textContent).toContain("3 of 4 answered");
    await emit("mail-doctor-progress", { address: "other@mueller-shop.de", step: "usage", done: 0, total: 1 });
    await emit("mail-doctor-progress", { address: ADDRESS, step: "round_trip", done: 0, total: 1 });
    await until(() => q("md-progress")?.dataset.step === "round_trip");
    expect(q("md-progress")?.textContent).toContain("waiting for it to arrive");
    answer.resolve(okReport([finding("round_trip", "round_trip_ok")]));
    await until(() => q("md-results") !== null);
    expect(q("md-progress")).toBeNull();
    expect(all("md-finding").map((f) => f.dataset.code)).toEqual(["round_trip_ok"]);
    done();
  });

  it("empties Trash and Junk after asking, with before and after from the server, in German", async () => {
    locale.lang = "de";
    const calls = backend();
    const { done } = render("usage");
    await until(() => calls.mailbox_password_kept !== undefined);
    type("md-password", PASSWORD);
    submit();
    await until(() => q("md-usage") !== null);
    expect(calls.mail_doctor_usage).toHaveLength(1);
    expect(q("md-summary")?.textContent).toBe("Die Anmeldung über IMAP mit SSL/TLS funktioniert.");
    expect(all("md-service").map((s) => s.dataset.status)).toEqual(["ok", "not_checked", "not_checked", "not_checked"]);
    q("md-empty")?.click();
    await until(() => q("md-confirm") !== null);
    expect(all("md-confirm-folder").map((f) => f.textContent?.trim())).toEqual(["Trash: 40 Nachrichten, 7,6 MB", "Junk: 2 Nachrichten, 488 KB"]);
    expect(q("md-confirm-total")?.textContent).toContain("Gibt 8,1 MB frei (42 Nachrichten)");
    expect(calls.mail_doctor_trash_empty).toBeUndefined();
    // The dialog has the focus, not the button that deletes.
    expect(document.activeElement).toBe(q("md-confirm"));
    q("md-confirm-empty")?.click();
    await until(() => q("md-outcome") !== null);
    expect(calls.mail_doctor_trash_empty?.[0]?.password).toBe(PASSWORD);
    expect(q("md-confirm")).toBeNull();
    expect(q("md-outcome")?.textContent).toContain("Geleert: Trash, Junk.");
    expect(q("md-before")?.dataset.used).toBe("9500000");
    expect(q("md-after")?.dataset.used).toBe("1000000");
    // The folders as the server has them now.
    await until(() => q("md-folder")?.dataset.name === "INBOX");
    expect(calls.mail_doctor_usage).toHaveLength(2);
    await until(() => document.activeElement === q("md-outcome"));
    // Nothing left to empty.
    expect(q<HTMLButtonElement>("md-empty")?.disabled).toBe(true);
    expect(q("md-usage")?.textContent).toContain("Papierkorb und Spam sind leer.");
    done();
  });

  it("cancels emptying with Escape and deletes nothing", async () => {
    const calls = backend();
    const { done } = render("usage");
    type("md-password", PASSWORD);
    submit();
    await until(() => q("md-empty") !== null);
    q("md-empty")?.click();
    await until(() => q("md-confirm") !== null);
    q("md-confirm")?.dispatchEvent(new KeyboardEvent("keydown", { key: "Escape", bubbles: true }));
    flushSync();
    expect(q("md-confirm")).toBeNull();
    expect(calls.mail_doctor_trash_empty).toBeUndefined();
    expect(document.activeElement).toBe(q("md-empty"));
    done();
  });

  it("goes back with the back button", async () => {
    backend();
    const { done, closed } = render();
    q("md-back")?.click();
    expect(closed()).toBe(1);
    done();
  });
});
