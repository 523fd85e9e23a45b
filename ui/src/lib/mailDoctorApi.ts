// Typed wrappers over the mail doctor commands (src-tauri/commands/maildoctor.rs). The
// password goes to Rust only: typed for one call, or null to use the one kept in the
// keyring. No answer carries it back.

import { invoke } from "@tauri-apps/api/core";
import { listen, type UnlistenFn } from "@tauri-apps/api/event";
import type { MailDoctorProgress } from "./bindings/MailDoctorProgress";
import type { MailDoctorReport } from "./bindings/MailDoctorReport";
import type { MailDoctorTarget } from "./bindings/MailDoctorTarget";
import type { MailTrashOutcome } from "./bindings/MailTrashOutcome";
import type { MailTrashPreview } from "./bindings/MailTrashPreview";

export const mailDoctorApi = {
  /** The four connections (and the round trip when asked), then quota and folders. */
  check: (target: MailDoctorTarget, password: string | null, roundTrip: boolean) =>
    invoke<MailDoctorReport>("mail_doctor_check", { target, password, roundTrip }),
  /** Quota and folders over IMAP with SSL/TLS only. */
  usage: (target: MailDoctorTarget, password: string | null) =>
    invoke<MailDoctorReport>("mail_doctor_usage", { target, password }),
  /** What emptying Trash and Junk would free; Rust keeps it for `emptyTrash`. */
  previewTrash: (target: MailDoctorTarget, password: string | null) =>
    invoke<MailTrashPreview>("mail_doctor_trash_preview", { target, password }),
  /** Empties what the last preview showed, then reads the quota again. */
  emptyTrash: (target: MailDoctorTarget, password: string | null) =>
    invoke<MailTrashOutcome>("mail_doctor_trash_empty", { target, password }),
  passwordKept: (address: string) => invoke<boolean>("mailbox_password_kept", { address }),
  keepPassword: (address: string, password: string) => invoke<void>("keep_mailbox_password", { address, password }),
  forgetPassword: (address: string) => invoke<void>("forget_mailbox_password", { address }),
  onProgress: (f: (p: MailDoctorProgress) => void): Promise<UnlistenFn> =>
    listen<MailDoctorProgress>("mail-doctor-progress", (e) => f(e.payload)),
};
