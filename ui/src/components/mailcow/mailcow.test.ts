import { afterEach, describe, expect, it } from "vitest";
import { flushSync, mount, unmount, type Component } from "svelte";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { emit } from "@tauri-apps/api/event";
import MailcowImport from "./MailcowImport.svelte";
import PasswordChange from "./PasswordChange.svelte";
import ShownOnce from "./ShownOnce.svelte";
import type { ImportReport } from "../../lib/bindings/ImportReport";
import type { ImportRow } from "../../lib/bindings/ImportRow";
import { locale } from "../../lib/i18n.svelte";
import { deferred, stubResizeObserver, until } from "../../test/util";

const q = <T extends HTMLElement = HTMLElement>(id: string) => document.querySelector<T>(`[data-testid=${id}]`);
const all = (id: string) => [...document.querySelectorAll<HTMLElement>(`[data-testid=${id}]`)];

function click(id: string) {
  const el = q(id);
  if (!el) throw new Error(`no ${id}`);
  el.click();
  flushSync();
}

function type(id: string, value: string) {
  const input = q<HTMLInputElement>(id);
  if (!input) throw new Error(`no ${id}`);
  input.value = value;
  input.dispatchEvent(new Event("input", { bubbles: true }));
  flushSync();
}

function choose(id: string) {
  const input = q<HTMLInputElement>(id);
  if (!input) throw new Error(`no ${id}`);
  input.checked = true;
  input.dispatchEvent(new Event("change", { bubbles: true }));
  flushSync();
}

function submitOf(id: string) {
  q(id)?.closest("form")?.requestSubmit();
  flushSync();
}

function place<P extends Record<string, unknown>>(component: Component<P>, props: P) {
  const target = document.createElement("div");
  document.body.append(target);
  const instance = mount(component, { target, props });
  return () => unmount(instance);
}

afterEach(() => {
  clearMocks();
  locale.lang = "en";
  document.body.innerHTML = "";
});

const outcome = (generated: string | null) => ({
  connection_id: "mailcow-0a0b",
  address: "anna@example.test",
  message: "The mailcow set the new password of anna@example.test.",
  message_de: "Der mailcow hat das neue Passwort von anna@example.test gesetzt.",
  generated_password: generated,
  reread_error: null,
});

describe("mailcow password change", () => {
  it("mailcow password change: typed twice, confirmed, then sent; a mismatch sends nothing", async () => {
    const calls: [string, unknown][] = [];
    mockIPC((cmd, args) => {
      calls.push([cmd, args]);
      if (cmd === "mailcow_set_mailbox_password") return outcome(null);
      return null;
    });
    const done: unknown[] = [];
    const stop = place(PasswordChange, {
      address: "anna@example.test",
      connectionId: "mailcow-0a0b",
      onclose: () => {},
      ondone: (o) => done.push(o),
    });
    choose("mcx-password-type");
    type("mcx-password-new", "Neu-Pass-2026!x");
    type("mcx-password-repeat", "Neu-Pass-2026!y");
    submitOf("mcx-password-submit");
    expect(q("mcx-password-error")?.textContent).toBe("The two passwords differ.");
    expect(q("mcx-password-question")).toBeNull();

    type("mcx-password-repeat", "Neu-Pass-2026!x");
    submitOf("mcx-password-submit");
    // Nothing is sent before the confirmation.
    expect(calls.filter(([c]) => c === "mailcow_set_mailbox_password")).toHaveLength(0);
    expect(q("mcx-password-question")?.textContent).toContain("anna@example.test");
    click("mcx-password-confirm");
    await until(() => done.length === 1);
    expect(calls.find(([c]) => c === "mailcow_set_mailbox_password")?.[1]).toEqual({
      connectionId: "mailcow-0a0b",
      address: "anna@example.test",
      password: "Neu-Pass-2026!x",
    });
    stop();
  });

  it("mailcow password change: a server refusal stands next to the field in German, nothing reported done", async () => {
    mockIPC((cmd) => {
      if (cmd === "mailcow_set_mailbox_password") {
        throw {
          kind: "refused",
          message: "The mailcow refused the password: it is too weak.",
          message_de: "Der mailcow hat das Passwort abgelehnt: Es ist zu schwach.",
          fields: { password: "The mailcow refused the password: it is too weak." },
          fields_de: { password: "Der mailcow hat das Passwort abgelehnt: Es ist zu schwach." },
          server_words: false,
        };
      }
      return null;
    });
    locale.lang = "de";
    const done: unknown[] = [];
    const stop = place(PasswordChange, {
      address: "anna@example.test",
      connectionId: null,
      onclose: () => {},
      ondone: (o) => done.push(o),
    });
    choose("mcx-password-type");
    type("mcx-password-new", "kurz");
    type("mcx-password-repeat", "kurz");
    submitOf("mcx-password-submit");
    click("mcx-password-confirm");
    await until(() => q("mcx-password-error") !== null);
    expect(q("mcx-password-error")?.textContent).toBe("Der mailcow hat das Passwort abgelehnt: Es ist zu schwach.");
    expect(q<HTMLInputElement>("mcx-password-new")?.getAttribute("aria-invalid")).toBe("true");
    expect(done).toHaveLength(0);
    stop();
  });

  it("mailcow password change: generated by default, sent without a password", async () => {
    const sent: unknown[] = [];
    mockIPC((cmd, args) => {
      if (cmd === "mailcow_set_mailbox_password") {
        sent.push(args);
        return outcome("Gen-Erated-Pass-123");
      }
      return null;
    });
    const done: { generated_password: string | null }[] = [];
    const stop = place(PasswordChange, {
      address: "anna@example.test",
      connectionId: "mailcow-0a0b",
      onclose: () => {},
      ondone: (o) => done.push(o),
    });
    expect(q<HTMLInputElement>("mcx-password-generate")?.checked).toBe(true);
    submitOf("mcx-password-submit");
    click("mcx-password-confirm");
    await until(() => done.length === 1);
    expect(sent).toEqual([{ connectionId: "mailcow-0a0b", address: "anna@example.test", password: null }]);
    expect(done[0]?.generated_password).toBe("Gen-Erated-Pass-123");
    stop();
  });
});

describe("mailcow generated password shown once", () => {
  it("mailcow shown-once password offers a secret link: one-time on, chosen expiry, link ready to copy", async () => {
    const calls: [string, unknown][] = [];
    mockIPC((cmd, args) => {
      calls.push([cmd, args]);
      if (cmd === "support_create_secret") {
        return { link: "https://secrets.example/#/s/abc/KEYKEYKEY", id: "abc", server: "https://secrets.example", expiry: "hour", one_time: true };
      }
      return null;
    });
    let closed = 0;
    const stop = place(ShownOnce, { title: "New", address: "anna@example.test", password: "Gen-Erated-Pass-123", ondone: () => (closed += 1) });
    expect(q("mcb-generated-password")?.textContent).toBe("Gen-Erated-Pass-123");
    click("mcx-share-open");
    expect(q<HTMLInputElement>("mcx-share-one-time")?.checked).toBe(true);
    choose("mcx-share-expiry-hour");
    submitOf("mcx-share-create");
    await until(() => q("mcx-share-link") !== null);
    expect(calls.find(([c]) => c === "support_create_secret")?.[1]).toEqual({
      secret: "Gen-Erated-Pass-123",
      expiry: "hour",
      oneTime: true,
    });
    expect(q<HTMLInputElement>("mcx-share-link")?.value).toBe("https://secrets.example/#/s/abc/KEYKEYKEY");
    click("mcx-share-copy");
    await until(() => q("mcx-share-copied") !== null);
    expect(calls.find(([c]) => c === "support_copy_secret_link")?.[1]).toEqual({ id: "abc" });
    click("mcb-generated-done");
    expect(closed).toBe(1);
    stop();
  });
});

function importRow(line: number, action: ImportRow["action"], outcome: ImportRow["outcome"] = null): ImportRow {
  return {
    line,
    address: `user${line}@example.test`,
    action,
    outcome,
    reasons: action === "bad" ? [{ field: "local_part", message: "Not allowed: ü", message_de: "Nicht erlaubt: ü" }] : [],
  };
}

function report(dryRun: boolean, rows: ImportRow[], extra: Partial<ImportReport> = {}): ImportReport {
  const count = (a: ImportRow["action"]) => rows.filter((r) => r.action === a).length;
  const done = (o: ImportRow["outcome"]) => rows.filter((r) => r.outcome === o).length;
  return {
    connection_id: "mailcow-0a0b",
    file_kind: "mailboxes",
    dry_run: dryRun,
    rows,
    counts: {
      create: count("create"),
      unchanged: count("unchanged"),
      conflict: count("conflict"),
      bad: count("bad"),
      created: done("created"),
      failed: done("failed"),
      not_run: done("not_run"),
    },
    cancelled: false,
    passwords_file: null,
    generated: [],
    ...extra,
  };
}

describe("mailcow CSV import", () => {
  it("mailcow import: a dry run of 500 rows in a windowed table, then progress, Cancel, and the passwords shown once", async () => {
    stubResizeObserver();
    const planned = Array.from({ length: 500 }, (_, i) => importRow(i + 2, i % 50 === 0 ? "bad" : i % 25 === 0 ? "conflict" : "create"));
    const calls: [string, unknown][] = [];
    const applied = deferred<ImportReport>();
    mockIPC(
      (cmd, args) => {
        calls.push([cmd, args]);
        switch (cmd) {
          case "mailcow_import_choose_file":
            return "/home/anna/mailboxes.csv";
          case "mailcow_import_run":
            return (args as { dryRun: boolean }).dryRun ? report(true, planned) : applied.promise;
          case "mailcow_import_cancel":
            return true;
          default:
            return null;
        }
      },
      { shouldMockEvents: true },
    );
    let imported = 0;
    const stop = place(MailcowImport, { onclose: () => {}, onimported: () => (imported += 1) });
    click("mcx-import-choose");
    await until(() => q("mcx-import-counts") !== null);
    expect(q("mcx-import-file")?.textContent).toBe("mailboxes.csv");
    const counts = q("mcx-import-counts");
    expect(counts?.dataset.create).toBe("480");
    expect(counts?.dataset.conflict).toBe("10");
    expect(counts?.dataset.bad).toBe("10");
    // Windowed: far fewer rows rendered than the file has, the bad row with its reason.
    const rendered = all("mcx-import-row");
    expect(rendered.length).toBeGreaterThan(0);
    expect(rendered.length).toBeLessThan(60);
    expect(rendered[0]?.dataset.kind).toBe("bad");
    expect(rendered[0]?.textContent).toContain("Not allowed: ü");
    expect(q("virtual-list")?.dataset.rows).toBe("500");

    click("mcx-import-apply");
    await until(() => q("mcx-import-progress") !== null);
    await until(() => calls.some(([c, a]) => c === "mailcow_import_run" && !(a as { dryRun: boolean }).dryRun));
    expect(calls.find(([c, a]) => c === "mailcow_import_run" && !(a as { dryRun: boolean }).dryRun)?.[1]).toEqual({
      connectionId: "mailcow-0a0b",
      dryRun: false,
      passwordsToFile: false,
    });
    await emit("mailcow-import-progress", { done: 37, total: 500, line: 38, address: "user38@example.test", outcome: "created" });
    await until(() => q("mcx-import-progress")?.dataset.done === "37");
    expect(q("mcx-import-progress")?.textContent).toContain("37 of 500 rows done");
    click("mcx-import-cancel");
    await until(() => calls.some(([c]) => c === "mailcow_import_cancel"));

    const after = planned.map((r, i) => ({ ...r, outcome: r.action !== "create" ? ("skipped" as const) : i < 40 ? ("created" as const) : ("not_run" as const) }));
    applied.resolve(
      report(false, after, {
        cancelled: true,
        generated: [{ address: "user2@example.test", password: "Pw-Shown-Once-1" }],
      }),
    );
    await until(() => q("mcx-import-result") !== null);
    expect(q("mcx-import-result")?.dataset.cancelled).toBe("true");
    expect(q("mcx-import-result")?.textContent).toContain("Import cancelled");
    expect(imported).toBe(1);
    expect(all("mcx-import-generated-row").map((r) => r.dataset.address)).toEqual(["user2@example.test"]);
    expect(q("mcx-import-generated")?.querySelector("[data-testid=mcx-share-open]")).not.toBeNull();
    stop();
  });

  it("mailcow import: generated passwords into a chosen file, German texts, and an empty file says so", async () => {
    stubResizeObserver();
    locale.lang = "de";
    const calls: [string, unknown][] = [];
    let empty = false;
    mockIPC((cmd, args) => {
      calls.push([cmd, args]);
      switch (cmd) {
        case "mailcow_import_choose_file":
          return "/tmp/leer.csv";
        case "mailcow_import_choose_passwords_file":
          return "/tmp/passwoerter.csv";
        case "mailcow_import_run": {
          if (empty) return report(true, []);
          const rows = [importRow(2, "create"), importRow(3, "unchanged")];
          return (args as { dryRun: boolean }).dryRun
            ? report(true, rows)
            : report(false, [{ ...rows[0]!, outcome: "created" }, { ...rows[1]!, outcome: "unchanged" }], { passwords_file: "/tmp/passwoerter.csv" });
        }
        default:
          return null;
      }
    });
    const stop = place(MailcowImport, { onclose: () => {}, onimported: () => {} });
    click("mcx-import-choose");
    await until(() => q("mcx-import-apply") !== null);
    expect(q("mcx-import-apply")?.textContent).toBe("1 Zeilen importieren");
    choose("mcx-import-passwords-file");
    click("mcx-import-passwords-choose");
    await until(() => q("mcx-import-passwords-path") !== null);
    click("mcx-import-apply");
    await until(() => q("mcx-import-passwords-written") !== null);
    expect(calls.filter(([c]) => c === "mailcow_import_run").at(-1)?.[1]).toEqual({
      connectionId: "mailcow-0a0b",
      dryRun: false,
      passwordsToFile: true,
    });
    expect(q("mcx-import-passwords-written")?.textContent).toContain("/tmp/passwoerter.csv");
    expect(q("mcx-import-generated")).toBeNull();
    expect(q("mcx-import-result")?.textContent).toContain("Import fertig: 1 angelegt.");

    empty = true;
    click("mcx-import-again");
    await until(() => q("mcx-import-empty") !== null);
    expect(q("mcx-import-empty")?.textContent).toBe("Die Datei hat unter der Kopfzeile keine Zeilen.");
    expect(q("mcx-import-apply")).toBeNull();
    stop();
  });
});
