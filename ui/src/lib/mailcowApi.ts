// Typed wrappers over the mailcow window's commands for password changes and the CSV
// import (src-tauri/commands/mailcow.rs). The CSV file and the passwords file are chosen
// in Rust and kept there: the window names "the file chosen", never a path.

import { invoke } from "@tauri-apps/api/core";
import { listen, type UnlistenFn } from "@tauri-apps/api/event";
import type { ImportProgress } from "./bindings/ImportProgress";
import type { ImportReport } from "./bindings/ImportReport";
import type { MailcowChangeOutcome } from "./bindings/MailcowChangeOutcome";

export const mailcowApi = {
  /** The typed password, or null: one is generated and comes back once in the outcome. */
  setMailboxPassword: (connectionId: string | null, address: string, password: string | null) =>
    invoke<MailcowChangeOutcome>("mailcow_set_mailbox_password", { connectionId, address, password }),
  /** The system's open dialog; the chosen file's path, or null when cancelled. */
  chooseImportFile: () => invoke<string | null>("mailcow_import_choose_file"),
  /** The save dialog for the generated passwords; its path, or null when cancelled. */
  choosePasswordsFile: () => invoke<string | null>("mailcow_import_choose_passwords_file"),
  /** A dry run (`dryRun`) or the import of the chosen file. */
  runImport: (connectionId: string | null, dryRun: boolean, passwordsToFile: boolean) =>
    invoke<ImportReport>("mailcow_import_run", { connectionId, dryRun, passwordsToFile }),
  /** Stops the running import after its current row; false when none runs. */
  cancelImport: () => invoke<boolean>("mailcow_import_cancel"),
  onImportProgress: (f: (p: ImportProgress) => void): Promise<UnlistenFn> =>
    listen<ImportProgress>("mailcow-import-progress", (e) => f(e.payload)),
};
