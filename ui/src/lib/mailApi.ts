// Typed wrappers over the mail setup commands (src-tauri/commands/mail.rs).

import { invoke } from "@tauri-apps/api/core";
import type { MailAllowance } from "./bindings/MailAllowance";

export type MailFileFormat = "thunderbird" | "apple";
export type MailFileScope = "mailbox" | "domain";

export const mailApi = {
  /** The allowance of the account's mail products, or null when none is known. */
  allowance: (accountId: string) => invoke<MailAllowance | null>("mail_allowance", { accountId }),
  /** The address rules (FAQ), checked in Rust: the address as it will be used, or an ErrorInfo. */
  checkAddress: (address: string) => invoke<string>("check_mailbox_address", { address }),
  /** Copies a server name, port or mailbox address, from Rust (the window has no clipboard). */
  copySetting: (value: string) => invoke<void>("copy_mail_setting", { value }),
  /** Saves the file through the save dialog; the path written, or null when cancelled. */
  exportFile: (accountId: string, scope: MailFileScope, value: string, format: MailFileFormat) =>
    invoke<string | null>("export_mail_config", { accountId, scope, value, format }),
};
