import { describe, expect, it } from "vitest";
import type { MailDoctorReport } from "./bindings/MailDoctorReport";
import type { MailFinding } from "./bindings/MailFinding";
import type { MailService } from "./bindings/MailService";
import type { MailSeverity } from "./bindings/MailSeverity";
import {
  advancedChanged,
  cleanupHolds,
  clientNotes,
  defaultForm,
  fieldOfError,
  folderBars,
  formFor,
  forgetRememberedForms,
  keepDecision,
  mergeUsage,
  needsAppleGuide,
  otherFindings,
  parsePort,
  progressText,
  quotaChange,
  rememberForm,
  resetAdvanced,
  serviceLines,
  summary,
  toTarget,
  validateForm,
  type DoctorForm,
} from "./maildoctor";

const ADDRESS = "info@mueller-shop.de";

function finding(service: MailService, code: string, severity: MailSeverity = "ok"): MailFinding {
  return { code, service, severity, detail: `detail of ${code}`, message_en: `EN ${code}`, message_de: `DE ${code}` };
}

function report(findings: MailFinding[], extra: Partial<MailDoctorReport> = {}): MailDoctorReport {
  return { address: ADDRESS, findings, quota: null, folders: [], ...extra };
}

const allOk = [
  finding("imap_tls", "imap_tls_ok"),
  finding("imap_starttls", "imap_starttls_ok"),
  finding("smtp_tls", "smtp_tls_ok"),
  finding("smtp_starttls", "smtp_starttls_ok"),
];

function form(changes: Partial<DoctorForm> = {}): DoctorForm {
  return { ...defaultForm(), password: "pw", ...changes };
}

describe("maildoctor form", () => {
  it("defaults to the hosted mailcow's server and ports", () => {
    const f = defaultForm();
    expect([f.server, f.imapTls, f.imapStarttls, f.smtpTls, f.smtpStarttls]).toEqual(["hosted.mailcow.de", "993", "143", "465", "587"]);
    expect(f.roundTrip).toBe(false);
    expect(f.keep).toBe(false);
    expect(advancedChanged(f)).toBe(false);
    expect(toTarget(form(), ADDRESS)).toEqual({
      address: ADDRESS,
      server: "hosted.mailcow.de",
      imap_tls_port: 993,
      imap_starttls_port: 143,
      smtp_tls_port: 465,
      smtp_starttls_port: 587,
      ca_file: null,
      username: null,
      client_smtp_port: null,
    });
  });

  it("starts on a Managed mailcow's own server, and its defaults stay that server", () => {
    forgetRememberedForms();
    const f = formFor("anna@example.test", "mail.example.test");
    expect([f.server, f.imapTls, f.smtpTls]).toEqual(["mail.example.test", "993", "465"]);
    expect(advancedChanged(f, "mail.example.test")).toBe(false);
    expect(advancedChanged(f)).toBe(true);
    f.server = "other.example.test";
    resetAdvanced(f, "mail.example.test");
    expect(f.server).toBe("mail.example.test");
  });

  it("reads ports as whole numbers from 1 to 65535 only", () => {
    expect(parsePort(" 993 ")).toBe(993);
    expect(parsePort("65535")).toBe(65535);
    for (const bad of ["", "0", "65536", "99999", "-1", "9.9", "1e3", "abc", "123456"]) {
      expect(parsePort(bad), bad).toBeNull();
    }
  });

  it("names each field that is wrong before anything is sent", () => {
    expect(validateForm(form(), false)).toEqual({});
    expect(validateForm(form({ password: "" }), false)).toEqual({ password: "md.passwordMissing" });
    expect(validateForm(form({ password: "" }), true)).toEqual({});
    expect(validateForm(form({ password: "a\nb" }), true)).toEqual({ password: "md.passwordOneLine" });
    expect(
      validateForm(form({ server: " ", imapTls: "0", smtpStarttls: "x", smtpPort: "70000", caFile: "ca.pem" }), false),
    ).toEqual({ server: "md.badServer", imapTls: "md.badPort", smtpStarttls: "md.badPort", smtpPort: "md.badPort", caFile: "md.badCaFile" });
    expect(validateForm(form({ server: "mail.example.de/x" }), false).server).toBe("md.badServer");
    expect(validateForm(form({ smtpPort: "" }), false).smtpPort).toBeUndefined();
  });

  it("sends what the mail program is set to, trimmed, and nothing empty", () => {
    const target = toTarget(
      form({ server: " 127.0.0.1 ", imapTls: "10993", username: " info ", smtpPort: "25", caFile: " /tmp/ca.pem " }),
      ` ${ADDRESS} `,
    );
    expect(target).toMatchObject({
      address: ADDRESS,
      server: "127.0.0.1",
      imap_tls_port: 10993,
      username: "info",
      client_smtp_port: 25,
      ca_file: "/tmp/ca.pem",
    });
    expect(JSON.stringify(target)).not.toContain("pw");
  });

  it("resets the advanced section and knows when it differs", () => {
    const f = form({ server: "localhost", smtpTls: "1465", caFile: "/ca.pem" });
    expect(advancedChanged(f)).toBe(true);
    resetAdvanced(f);
    expect(advancedChanged(f)).toBe(false);
    expect(f.password).toBe("pw");
  });

  it("maps Rust's field names onto the form's", () => {
    const info = (field: string) => ({ kind: "invalid_input" as const, message: "m", message_de: "d", fields: { [field]: "m" }, fields_de: { [field]: "d" }, server_words: false });
    expect(fieldOfError(info("ca_file"))).toBe("caFile");
    expect(fieldOfError(info("password"))).toBe("password");
    expect(fieldOfError(info("port"))).toBe("imapTls");
    expect(fieldOfError({ kind: "offline", message: "m", message_de: "d", fields: {}, fields_de: {}, server_words: false })).toBeNull();
  });

  it("remembers what was typed per mailbox, never the password", () => {
    forgetRememberedForms();
    rememberForm("Info@Mueller-Shop.de", form({ password: "s3cret", server: "localhost", roundTrip: true }));
    const back = formFor(ADDRESS);
    expect(back.server).toBe("localhost");
    expect(back.roundTrip).toBe(true);
    expect(back.password).toBe("");
    expect(formFor("other@mueller-shop.de").server).toBe("hosted.mailcow.de");
    forgetRememberedForms();
  });
});

describe("maildoctor results", () => {
  const target = toTarget(form({ imapTls: "10993" }), ADDRESS);

  it("has one line per connection in the settings' order, with its port", () => {
    const lines = serviceLines(report([...allOk].reverse()), target);
    expect(lines.map((l) => [l.service, l.port, l.status])).toEqual([
      ["imap_tls", 10993, "ok"],
      ["imap_starttls", 143, "ok"],
      ["smtp_tls", 465, "ok"],
      ["smtp_starttls", 587, "ok"],
    ]);
    const usage = serviceLines(report([finding("imap_tls", "imap_tls_auth_failed", "error")]), target);
    expect(usage.map((l) => l.status)).toEqual(["failed", "not_checked", "not_checked", "not_checked"]);
    expect(usage[0]?.finding?.code).toBe("imap_tls_auth_failed");
  });

  it("sums up: all fine, failed connections, or things to look at", () => {
    expect(summary(report(allOk), "check")).toEqual({ text: { key: "md.summaryOk" }, status: "ok" });
    const wrong = allOk.map((f) => finding(f.service, f.code.replace("_ok", "_auth_failed"), "error"));
    expect(summary(report(wrong), "check")).toEqual({ text: { key: "md.summaryFailed", params: { failed: 4, total: 4 } }, status: "failed" });
    expect(summary(report([...allOk.slice(0, 3), wrong[3]!]), "check").text).toEqual({ key: "md.summaryFailedOne", params: { total: 4 } });
    expect(summary(report([wrong[0]!]), "usage")).toEqual({ text: { key: "md.summaryLoginFailed" }, status: "failed" });
    expect(summary(report([allOk[0]!]), "usage").text.key).toBe("md.summaryOkUsage");
    const warned = summary(report([...allOk, finding("quota", "quota_nearly_full", "warning")]), "check");
    expect(warned).toEqual({ text: { key: "md.summaryIssuesOne" }, status: "warning" });
    const port25 = summary(
      report([...allOk, finding("settings", "port25_is_not_submission", "error"), finding("quota", "trash_holds_quota", "warning")]),
      "check",
    );
    expect(port25).toEqual({ text: { key: "md.summaryIssues", params: { count: 2 } }, status: "problem" });
    const full = summary(report([allOk[0]!, finding("quota", "quota_full", "error"), finding("quota", "trash_holds_quota", "warning")]), "usage");
    expect(full).toEqual({ text: { key: "md.summaryIssuesUsage", params: { count: 2 } }, status: "problem" });
  });

  it("lists the other findings worst first", () => {
    const others = otherFindings(
      report([
        ...allOk,
        finding("round_trip", "round_trip_ok"),
        finding("quota", "trash_holds_quota", "warning"),
        finding("settings", "username_not_full_address", "error"),
      ]),
    );
    expect(others.map((f) => f.code)).toEqual(["username_not_full_address", "trash_holds_quota", "round_trip_ok"]);
  });

  it("shows the Apple Mail steps for port 25 and for SMTP without password login", () => {
    expect(needsAppleGuide(report(allOk))).toBe(false);
    expect(needsAppleGuide(report([finding("settings", "port25_is_not_submission", "error")]))).toBe(true);
    expect(needsAppleGuide(report([finding("smtp_tls", "smtp_tls_no_password_auth", "error")]))).toBe(true);
    expect(needsAppleGuide(report([finding("imap_tls", "imap_tls_no_password_auth", "error")]))).toBe(false);
  });
});

describe("maildoctor client settings", () => {
  it("says nothing when nothing was given", () => {
    expect(clientNotes(form())).toEqual([]);
  });

  it("matches the right settings", () => {
    expect(clientNotes(form({ smtpPort: "465", security: "tls", auth: "password" }))).toEqual([{ key: "md.note.client_ok", severity: "ok" }]);
    expect(clientNotes(form({ smtpPort: "587", security: "starttls" }))).toEqual([{ key: "md.note.client_ok", severity: "ok" }]);
  });

  it("names a wrong encryption for the port, no encryption, and no password authentication", () => {
    expect(clientNotes(form({ smtpPort: "465", security: "starttls" })).map((n) => n.key)).toEqual(["md.note.security_mismatch_465"]);
    expect(clientNotes(form({ smtpPort: "587", security: "tls" })).map((n) => n.key)).toEqual(["md.note.security_mismatch_587"]);
    expect(clientNotes(form({ security: "none", auth: "none" })).map((n) => n.key)).toEqual(["md.note.security_none", "md.note.auth_not_password"]);
    expect(clientNotes(form({ smtpPort: "2525" }))).toEqual([{ key: "md.note.port_unusual", params: { port: 2525 }, severity: "warning" }]);
  });

  it("leaves port 25 to the core's finding (the FAQ's Apple Mail fix)", () => {
    expect(clientNotes(form({ smtpPort: "25" }))).toEqual([]);
    expect(clientNotes(form({ smtpPort: "25", auth: "encrypted" })).map((n) => n.key)).toEqual(["md.note.auth_not_password"]);
  });
});

describe("maildoctor usage", () => {
  const folders = [
    { name: "INBOX", special_use: null, messages: 3, size_bytes: 3000 },
    { name: "Trash", special_use: "trash", messages: 9, size_bytes: 9000 },
    { name: "Sent", special_use: "sent", messages: 0, size_bytes: 0 },
    { name: "Spam", special_use: null, messages: 1, size_bytes: 1000 },
    { name: "Archive", special_use: "archive", messages: 3, size_bytes: 3000 },
  ];

  it("sorts folders by size, largest first, scaled to the largest", () => {
    const bars = folderBars(folders);
    expect(bars.map((b) => b.name)).toEqual(["Trash", "Archive", "INBOX", "Spam", "Sent"]);
    expect(bars.map((b) => Math.round(b.width))).toEqual([100, 33, 33, 11, 0]);
    expect(bars.filter((b) => b.cleanup).map((b) => b.name)).toEqual(["Trash", "Spam"]);
    expect(folderBars([])).toEqual([]);
  });

  it("adds up what Trash and Junk hold", () => {
    expect(cleanupHolds(folders)).toEqual({ bytes: 10000, messages: 10 });
  });

  it("shows before and after as the server counted them", () => {
    const outcome = {
      address: ADDRESS,
      emptied: [],
      skipped: [],
      before: { used_bytes: 9_700_000, limit_bytes: 10_000_000 },
      after: { used_bytes: 700_000, limit_bytes: 10_000_000 },
    };
    expect(quotaChange(outcome).freed).toBe(9_000_000);
    expect(quotaChange({ ...outcome, after: { used_bytes: 9_800_000, limit_bytes: 10_000_000 } }).freed).toBe(0);
    expect(quotaChange({ ...outcome, after: null }).freed).toBeNull();
  });

  it("takes the re-read usage into a check's report and keeps its connections", () => {
    const before = report([...allOk, finding("quota", "quota_nearly_full", "warning"), finding("settings", "port25_is_not_submission", "error")], {
      quota: { used_bytes: 95, limit_bytes: 100 },
      folders,
    });
    const usage = report([allOk[0]!], { quota: { used_bytes: 5, limit_bytes: 100 }, folders: folders.slice(0, 1) });
    const merged = mergeUsage(before, usage);
    expect(merged.findings.map((f) => f.code)).toEqual([...allOk.map((f) => f.code), "port25_is_not_submission"]);
    expect(merged.quota).toEqual({ used_bytes: 5, limit_bytes: 100 });
    expect(merged.folders).toHaveLength(1);
  });
});

describe("maildoctor password and progress", () => {
  it("keeps a typed password only when asked and the server took it", () => {
    const failed = report(allOk.map((f) => finding(f.service, f.code.replace("_ok", "_auth_failed"), "error")));
    expect(keepDecision(form({ keep: true }), true, report(allOk))).toBe("keep");
    expect(keepDecision(form({ keep: true }), true, failed)).toBe("refused");
    expect(keepDecision(form({ keep: false }), true, report(allOk))).toBe("skip");
    expect(keepDecision(form({ keep: true }), false, report(allOk))).toBe("skip");
    const unreachable = report([finding("imap_tls", "imap_tls_unreachable", "error")]);
    expect(keepDecision(form({ keep: true }), true, unreachable)).toBe("skip");
  });

  it("words each step, the round trip with the seconds waited", () => {
    const p = (step: string, done = 0, total = 1) => ({ address: ADDRESS, step, done, total });
    expect(progressText(p("connections", 2, 4), 0)).toEqual({ key: "md.step.connections", params: { done: 2, total: 4 } });
    expect(progressText(p("round_trip"), 12)).toEqual({ key: "md.step.round_trip", params: { seconds: 12 } });
    expect(progressText(p("usage"), 0)?.key).toBe("md.step.usage");
    expect(progressText(p("trash_empty"), 0)?.key).toBe("md.step.trash_empty");
    expect(progressText(p("done"), 0)).toBeNull();
  });
});
