//! The generated-passwords file: a CSV of `address,password`, mode 0600, flushed after
//! each line.

use std::fs::File;
use std::path::Path;

use crate::mailcow::error::MailcowError;
use crate::portal::Sensitive;

/// The passwords file: created (or emptied) with mode 0600 before anything is written.
pub(super) struct PasswordFile {
    writer: csv::Writer<File>,
}

impl PasswordFile {
    pub(super) fn create(path: &Path) -> Result<PasswordFile, MailcowError> {
        let failed = |e: std::io::Error| {
            MailcowError::invalid(
                "passwords_out",
                format!(
                    "The passwords file {} cannot be written: {e}",
                    path.display()
                ),
                format!(
                    "Die Passwortdatei {} kann nicht geschrieben werden: {e}",
                    path.display()
                ),
            )
        };
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let file = options.open(path).map_err(failed)?;
        #[cfg(unix)]
        {
            // An existing file keeps its mode on open: narrow it before writing.
            use std::os::unix::fs::PermissionsExt;
            file.set_permissions(std::fs::Permissions::from_mode(0o600))
                .map_err(failed)?;
        }
        let mut writer = csv::Writer::from_writer(file);
        writer
            .write_record(["address", "password"])
            .and_then(|()| writer.flush().map_err(csv::Error::from))
            .map_err(|e| failed(std::io::Error::other(e.to_string())))?;
        Ok(PasswordFile { writer })
    }

    pub(super) fn add(
        &mut self,
        address: &str,
        password: &Sensitive<String>,
    ) -> Result<(), MailcowError> {
        self.writer
            .write_record([address, password.expose().as_str()])
            .map_err(|e| MailcowError::Unexpected(format!("passwords file: {e}")))?;
        // Flushed at once: a cancelled or failed run keeps the passwords of what it made.
        self.writer
            .flush()
            .map_err(|e| MailcowError::Unexpected(format!("passwords file: {e}")))?;
        Ok(())
    }
}
