// The mail doctor view's logic, apart from the markup so it can be tested alone: the
// form and its checks, the target sent to Rust, the report turned into lines, the notes on
// what the mail program is set to, the folder bars, and what emptying Trash freed.

import type { ErrorInfo } from "./bindings/ErrorInfo";
import type { MailDoctorProgress } from "./bindings/MailDoctorProgress";
import type { MailDoctorReport } from "./bindings/MailDoctorReport";
import type { MailDoctorTarget } from "./bindings/MailDoctorTarget";
import type { MailFinding } from "./bindings/MailFinding";
import type { MailFolderUsage } from "./bindings/MailFolderUsage";
import type { MailQuota } from "./bindings/MailQuota";
import type { MailService } from "./bindings/MailService";
import type { MailTrashOutcome } from "./bindings/MailTrashOutcome";
import type { MailTrashPreview } from "./bindings/MailTrashPreview";
import type { MessageKey } from "./i18n.svelte";

/** The hosted mailcow's server and ports (FAQ “IMAP / SMTP settings”). */
export const HOSTED = {
  server: "hosted.mailcow.de",
  imapTls: "993",
  imapStarttls: "143",
  smtpTls: "465",
  smtpStarttls: "587",
} as const;

export type ClientSecurity = "" | "tls" | "starttls" | "none";
export type ClientAuth = "" | "password" | "encrypted" | "oauth" | "none";
export type DoctorMode = "check" | "usage";

/** What the form holds; ports are text as typed, checked by `validateForm`. */
export interface DoctorForm {
  password: string;
  keep: boolean;
  roundTrip: boolean;
  username: string;
  smtpPort: string;
  security: ClientSecurity;
  auth: ClientAuth;
  server: string;
  imapTls: string;
  imapStarttls: string;
  smtpTls: string;
  smtpStarttls: string;
  caFile: string;
}

export type FormField = Exclude<keyof DoctorForm, "keep" | "roundTrip" | "security" | "auth">;
export type FieldErrors = Partial<Record<FormField, MessageKey>>;

export const PORT_FIELDS = ["imapTls", "imapStarttls", "smtpTls", "smtpStarttls"] as const;

/** The form's starting values: the hosted mailcow's ports on `server` (a Managed
 * mailcow's own name, or the hosted mailcow's). */
export function defaultForm(server: string = HOSTED.server): DoctorForm {
  return {
    password: "",
    keep: false,
    roundTrip: false,
    username: "",
    smtpPort: "",
    security: "",
    auth: "",
    caFile: "",
    ...HOSTED,
    server,
  };
}

/** Server and ports back to the defaults (`server`, the hosted mailcow's ports); the CA
 * file emptied. */
export function resetAdvanced(form: DoctorForm, server: string = HOSTED.server): void {
  Object.assign(form, HOSTED, { server, caFile: "" });
}

/** Whether the advanced values differ from the defaults (the section then opens). */
export function advancedChanged(form: DoctorForm, server: string = HOSTED.server): boolean {
  return (
    form.server.trim() !== server ||
    PORT_FIELDS.some((f) => form[f].trim() !== HOSTED[f]) ||
    form.caFile.trim() !== ""
  );
}

/** A port typed as text: a whole number from 1 to 65535, else null. */
export function parsePort(text: string): number | null {
  const value = text.trim();
  if (!/^\d{1,5}$/.test(value)) return null;
  const port = Number(value);
  return port >= 1 && port <= 65535 ? port : null;
}

/** The problems of the form, by field, before anything is sent; `kept`: a password is in the keyring. */
export function validateForm(form: DoctorForm, kept: boolean): FieldErrors {
  const errors: FieldErrors = {};
  if (form.password === "" && !kept) errors.password = "md.passwordMissing";
  else if (/[\r\n\0]/.test(form.password)) errors.password = "md.passwordOneLine";
  const server = form.server.trim();
  if (server === "" || /[\s/]/.test(server) || server.length > 253) errors.server = "md.badServer";
  for (const field of PORT_FIELDS) {
    if (parsePort(form[field]) === null) errors[field] = "md.badPort";
  }
  if (form.smtpPort.trim() !== "" && parsePort(form.smtpPort) === null) errors.smtpPort = "md.badPort";
  const ca = form.caFile.trim();
  if (ca !== "" && !ca.startsWith("/")) errors.caFile = "md.badCaFile";
  return errors;
}

/** What Rust is asked to check (the form must be valid). */
export function toTarget(form: DoctorForm, address: string): MailDoctorTarget {
  const port = (text: string) => parsePort(text) ?? 0;
  const username = form.username.trim();
  const ca = form.caFile.trim();
  return {
    address: address.trim(),
    server: form.server.trim(),
    imap_tls_port: port(form.imapTls),
    imap_starttls_port: port(form.imapStarttls),
    smtp_tls_port: port(form.smtpTls),
    smtp_starttls_port: port(form.smtpStarttls),
    ca_file: ca === "" ? null : ca,
    username: username === "" ? null : username,
    client_smtp_port: form.smtpPort.trim() === "" ? null : parsePort(form.smtpPort),
  };
}

/** The form field a refusal from Rust is about (its `fields`), if any. */
export function fieldOfError(info: ErrorInfo): FormField | null {
  const named = Object.keys(info.fields);
  const map: Record<string, FormField> = {
    password: "password",
    server: "server",
    ca_file: "caFile",
    username: "username",
    port: "imapTls",
  };
  for (const name of named) {
    if (name in map) return map[name] ?? null;
  }
  return null;
}

export const CONNECTIONS: MailService[] = ["imap_tls", "imap_starttls", "smtp_tls", "smtp_starttls"];

export type LineStatus = "ok" | "failed" | "not_checked";

export interface ServiceLine {
  service: MailService;
  port: number;
  status: LineStatus;
  finding: MailFinding | null;
}

function portOf(target: MailDoctorTarget, service: MailService): number {
  switch (service) {
    case "imap_tls":
      return target.imap_tls_port;
    case "imap_starttls":
      return target.imap_starttls_port;
    case "smtp_tls":
      return target.smtp_tls_port;
    default:
      return target.smtp_starttls_port;
  }
}

/** One line per connection, in the order a mail program's settings list them. */
export function serviceLines(report: MailDoctorReport, target: MailDoctorTarget): ServiceLine[] {
  return CONNECTIONS.map((service) => {
    const finding = report.findings.find((f) => f.service === service) ?? null;
    const status: LineStatus = !finding ? "not_checked" : finding.severity === "ok" ? "ok" : "failed";
    return { service, port: portOf(target, service), status, finding };
  });
}

/** The findings that are not about one connection: settings, quota, Trash, round trip. */
export function otherFindings(report: MailDoctorReport): MailFinding[] {
  const rank = { error: 0, warning: 1, ok: 2 } as const;
  return report.findings
    .filter((f) => !CONNECTIONS.includes(f.service))
    .sort((a, b) => rank[a.severity] - rank[b.severity]);
}

export interface Text {
  key: MessageKey;
  params?: Record<string, string | number>;
}

/**
 * The headline of a report: `failed` when a connection fails, `problem` when the
 * connections work but something else is wrong (the username, port 25, a full mailbox, a
 * lost test mail), `warning` for notes only.
 */
export function summary(report: MailDoctorReport, mode: DoctorMode): { text: Text; status: "ok" | "warning" | "problem" | "failed" } {
  const connections = report.findings.filter((f) => CONNECTIONS.includes(f.service));
  const failed = connections.filter((f) => f.severity === "error").length;
  const total = connections.length;
  if (failed > 0 && mode === "usage") return { text: { key: "md.summaryLoginFailed" }, status: "failed" };
  if (failed > 0) {
    return {
      text: failed === 1 ? { key: "md.summaryFailedOne", params: { total } } : { key: "md.summaryFailed", params: { failed, total } },
      status: "failed",
    };
  }
  const issues = otherFindings(report).filter((f) => f.severity !== "ok");
  if (issues.length > 0) {
    return {
      text:
        mode === "usage"
          ? issues.length === 1
            ? { key: "md.summaryIssuesUsageOne" }
            : { key: "md.summaryIssuesUsage", params: { count: issues.length } }
          : issues.length === 1
            ? { key: "md.summaryIssuesOne" }
            : { key: "md.summaryIssues", params: { count: issues.length } },
      status: issues.some((f) => f.severity === "error") ? "problem" : "warning",
    };
  }
  return { text: { key: mode === "usage" ? "md.summaryOkUsage" : "md.summaryOk" }, status: "ok" };
}

export interface Note {
  key: MessageKey;
  params?: Record<string, string | number>;
  severity: "ok" | "warning";
}

/**
 * What the mail program is set to, compared with the right settings — the parts the
 * core does not judge (it reports the username and port 25 itself).
 */
export function clientNotes(form: DoctorForm): Note[] {
  const port = form.smtpPort.trim() === "" ? null : parsePort(form.smtpPort);
  const notes: Note[] = [];
  if (port !== null && port !== 25 && port !== 465 && port !== 587) {
    notes.push({ key: "md.note.port_unusual", params: { port }, severity: "warning" });
  }
  if (form.security === "none") {
    notes.push({ key: "md.note.security_none", severity: "warning" });
  } else if (port === 465 && form.security === "starttls") {
    notes.push({ key: "md.note.security_mismatch_465", severity: "warning" });
  } else if (port === 587 && form.security === "tls") {
    notes.push({ key: "md.note.security_mismatch_587", severity: "warning" });
  }
  if (form.auth !== "" && form.auth !== "password") {
    notes.push({ key: "md.note.auth_not_password", severity: "warning" });
  }
  const told = port !== null || form.security !== "" || form.auth !== "";
  if (told && notes.length === 0 && port !== 25) notes.push({ key: "md.note.client_ok", severity: "ok" });
  return notes;
}

export interface FolderBar {
  name: string;
  specialUse: string | null;
  messages: number;
  sizeBytes: number;
  /** Width of the bar: the folder's share of the largest folder, 0–100. */
  width: number;
  /** Trash or Junk: what “Empty Trash and Junk” frees. */
  cleanup: boolean;
}

const CLEANUP = new Set(["trash", "junk"]);
const CLEANUP_NAMES = new Set(["trash", "papierkorb", "junk", "spam"]);

/** Trash or Junk, by special use or, when the server marks none, by its usual name. */
export function isCleanup(folder: MailFolderUsage): boolean {
  if (folder.special_use) return CLEANUP.has(folder.special_use);
  const leaf = folder.name.split(/[/.]/).pop() ?? folder.name;
  return CLEANUP_NAMES.has(leaf.toLowerCase());
}

/** The folders as bars, largest first (ties by name), scaled to the largest. */
export function folderBars(folders: MailFolderUsage[]): FolderBar[] {
  const sorted = [...folders].sort((a, b) => b.size_bytes - a.size_bytes || a.name.localeCompare(b.name));
  const largest = sorted[0]?.size_bytes ?? 0;
  return sorted.map((f) => ({
    name: f.name,
    specialUse: f.special_use,
    messages: f.messages,
    sizeBytes: f.size_bytes,
    width: largest > 0 ? Math.max(f.size_bytes > 0 ? 1 : 0, (f.size_bytes * 100) / largest) : 0,
    cleanup: isCleanup(f),
  }));
}

/** What Trash and Junk hold in a report: bytes and messages. */
export function cleanupHolds(folders: MailFolderUsage[]): { bytes: number; messages: number } {
  return folders
    .filter(isCleanup)
    .reduce((sum, f) => ({ bytes: sum.bytes + f.size_bytes, messages: sum.messages + f.messages }), { bytes: 0, messages: 0 });
}

/** Whether the confirmation can offer to empty anything. */
export function previewHasWork(preview: MailTrashPreview): boolean {
  return preview.folders.length > 0 && preview.messages > 0;
}

/** Before and after as the server counted them, and what was freed (never negative). */
export function quotaChange(outcome: MailTrashOutcome): { before: MailQuota | null; after: MailQuota | null; freed: number | null } {
  const { before, after } = outcome;
  const freed = before && after ? Math.max(0, before.used_bytes - after.used_bytes) : null;
  return { before, after, freed };
}

/**
 * Whether to keep the typed password after a check: only when asked, only a typed one,
 * and only when the server took it (a login worked); `refused` when every login failed
 * on the password.
 */
export function keepDecision(form: DoctorForm, typed: boolean, report: MailDoctorReport): "keep" | "refused" | "skip" {
  if (!form.keep || !typed) return "skip";
  const connections = report.findings.filter((f) => CONNECTIONS.includes(f.service));
  if (connections.some((f) => f.severity === "ok")) return "keep";
  if (connections.some((f) => f.code.endsWith("_auth_failed"))) return "refused";
  return "skip";
}

/** The progress line for an event; `seconds` is how long the round trip has waited. */
export function progressText(p: MailDoctorProgress, seconds: number): Text | null {
  switch (p.step) {
    case "connections":
      return { key: "md.step.connections", params: { done: p.done, total: p.total } };
    case "round_trip":
      return { key: "md.step.round_trip", params: { seconds } };
    case "usage":
      return { key: "md.step.usage" };
    case "trash_preview":
      return { key: "md.step.trash_preview" };
    case "trash_empty":
      return { key: "md.step.trash_empty" };
    default:
      return null;
  }
}

/** A finding's text in the UI language. */
export function findingText(f: MailFinding, lang: string): string {
  return lang === "de" ? f.message_de : f.message_en;
}

/** Whether the FAQ's Apple Mail steps belong next to the findings. */
export function needsAppleGuide(report: MailDoctorReport): boolean {
  return report.findings.some(
    (f) => f.code === "port25_is_not_submission" || (f.service.startsWith("smtp") && f.code.endsWith("_no_password_auth")),
  );
}

/**
 * A check's report with the usage read again after emptying Trash: the connections and
 * settings findings stay, quota, folders and the quota findings are the new ones.
 */
export function mergeUsage(report: MailDoctorReport, usage: MailDoctorReport): MailDoctorReport {
  return {
    ...report,
    findings: [...report.findings.filter((f) => f.service !== "quota"), ...usage.findings.filter((f) => f.service === "quota")],
    quota: usage.quota,
    folders: usage.folders,
  };
}

// What was typed per mailbox while the window is open — never the password — so the
// doctor opened again for the same address has its server, ports and settings back.
const remembered = new Map<string, Omit<DoctorForm, "password">>();

export function formFor(address: string, server: string = HOSTED.server): DoctorForm {
  const kept = remembered.get(address.trim().toLowerCase());
  return { ...defaultForm(server), ...kept, password: "" };
}

export function rememberForm(address: string, form: DoctorForm): void {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  const { password, ...rest } = form;
  remembered.set(address.trim().toLowerCase(), { ...rest });
}

export function forgetRememberedForms(): void {
  remembered.clear();
}
