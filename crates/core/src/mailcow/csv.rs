//! Reading the provisioning CSV files (docs/MAILCOW-CSV.md): a mailbox file (`local_part,
//! domain, name, quota_mib, password, active`) or an alias file (`address, targets,
//! active`). Columns are found by their header, in any order; `,` or `;` separate them (a
//! spreadsheet saved in German uses `;`). Each row is checked by the same rules as a form;
//! a row that fails says why, in English and German, and the others go on.

use std::collections::HashMap;
use std::io::Read;

use serde::Serialize;

use super::error::MailcowError;
use super::rules;
use super::wire::split_targets;
use crate::portal::Sensitive;

/// Why a row cannot be used as it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reason {
    /// The column (or form field) it concerns.
    pub field: Option<String>,
    pub message: String,
    pub message_de: String,
}

impl Reason {
    pub fn new(
        field: Option<&str>,
        message: impl Into<String>,
        message_de: impl Into<String>,
    ) -> Reason {
        Reason {
            field: field.map(str::to_owned),
            message: message.into(),
            message_de: message_de.into(),
        }
    }
}

impl From<&MailcowError> for Reason {
    fn from(err: &MailcowError) -> Reason {
        let (_, message, message_de) = err.describe();
        Reason {
            field: err.field().map(str::to_owned),
            message,
            message_de,
        }
    }
}

#[derive(Debug, Clone)]
pub struct MailboxRow {
    /// The line in the file (the header is line 1).
    pub line: u64,
    pub local_part: String,
    pub domain: String,
    pub name: String,
    pub quota_mib: u64,
    /// `None`: generate one.
    pub password: Option<Sensitive<String>>,
    pub active: bool,
}

impl MailboxRow {
    pub fn address(&self) -> String {
        format!("{}@{}", self.local_part, self.domain)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AliasRow {
    pub line: u64,
    pub address: String,
    pub targets: Vec<String>,
    pub active: bool,
}

/// A row that broke a rule, with every reason found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BadRow {
    pub line: u64,
    /// The address as far as it could be read, for showing the row.
    pub address: String,
    pub reasons: Vec<Reason>,
}

#[derive(Debug, Clone)]
pub struct Parsed<T> {
    pub rows: Vec<T>,
    pub bad: Vec<BadRow>,
}

#[derive(Debug, Clone)]
pub enum CsvFile {
    Mailboxes(Parsed<MailboxRow>),
    Aliases(Parsed<AliasRow>),
}

const MAX_FILE_BYTES: usize = 16 * 1024 * 1024;

fn file_error(en: impl Into<String>, de: impl Into<String>) -> MailcowError {
    MailcowError::invalid("file", en, de)
}

/// A header cell as a column name: lower case, spaces and hyphens as `_`.
fn column(name: &str) -> String {
    name.trim().to_ascii_lowercase().replace([' ', '-'], "_")
}

struct Table {
    columns: HashMap<String, usize>,
    records: Vec<csv::StringRecord>,
}

impl Table {
    fn read(input: impl Read) -> Result<Table, MailcowError> {
        let mut text = String::new();
        input
            .take(MAX_FILE_BYTES as u64 + 1)
            .read_to_string(&mut text)
            .map_err(|_| {
                file_error(
                    "The file could not be read as UTF-8 text. Save it as “CSV UTF-8”.",
                    "Die Datei ließ sich nicht als UTF-8-Text lesen. Bitte als „CSV UTF-8“ speichern.",
                )
            })?;
        if text.len() > MAX_FILE_BYTES {
            return Err(file_error(
                "The file is larger than 16 MB.",
                "Die Datei ist größer als 16 MB.",
            ));
        }
        let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
        let first = text.lines().next().unwrap_or("");
        let delimiter = if first.contains(';') && !first.contains(',') {
            b';'
        } else {
            b','
        };
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .flexible(true)
            .trim(csv::Trim::All)
            .from_reader(text.as_bytes());
        let headers = reader.headers().map_err(|e| {
            file_error(
                format!("The first line (the column names) cannot be read: {e}"),
                format!("Die erste Zeile (die Spaltennamen) ist nicht lesbar: {e}"),
            )
        })?;
        let mut columns = HashMap::new();
        for (i, name) in headers.iter().enumerate() {
            columns.entry(column(name)).or_insert(i);
        }
        let mut records = Vec::new();
        for record in reader.records() {
            let record = record.map_err(|e| {
                file_error(
                    format!("The file is not valid CSV: {e}"),
                    format!("Die Datei ist kein gültiges CSV: {e}"),
                )
            })?;
            if record.iter().all(str::is_empty) {
                continue;
            }
            records.push(record);
        }
        Ok(Table { columns, records })
    }

    fn has(&self, name: &str) -> bool {
        self.columns.contains_key(name)
    }

    fn require(&self, names: &[&str]) -> Result<(), MailcowError> {
        let missing: Vec<&str> = names.iter().copied().filter(|n| !self.has(n)).collect();
        if missing.is_empty() {
            return Ok(());
        }
        let list = missing.join(", ");
        Err(file_error(
            format!("The file lacks the column(s) {list} (see the first line)."),
            format!("Der Datei fehlen die Spalte(n) {list} (siehe erste Zeile)."),
        ))
    }

    fn cell<'a>(&self, record: &'a csv::StringRecord, name: &str) -> &'a str {
        self.columns
            .get(name)
            .and_then(|i| record.get(*i))
            .unwrap_or("")
    }
}

fn line(record: &csv::StringRecord) -> u64 {
    record.position().map(|p| p.line()).unwrap_or(0)
}

/// `active`: empty means yes.
fn active(text: &str) -> Result<bool, MailcowError> {
    match text.trim().to_ascii_lowercase().as_str() {
        "" | "1" | "true" | "yes" | "y" | "ja" | "j" | "x" => Ok(true),
        "0" | "false" | "no" | "n" | "nein" => Ok(false),
        other => Err(MailcowError::invalid(
            "active",
            format!("“{other}” in the column active: write 1 or 0 (yes or no)."),
            format!("„{other}“ in der Spalte active: Bitte 1 oder 0 (ja oder nein) schreiben."),
        )),
    }
}

fn collect<T>(result: Result<T, MailcowError>, reasons: &mut Vec<Reason>) -> Option<T> {
    result.map_err(|e| reasons.push(Reason::from(&e))).ok()
}

/// Reads a mailbox file.
pub fn read_mailboxes(input: impl Read) -> Result<Parsed<MailboxRow>, MailcowError> {
    mailboxes(Table::read(input)?)
}

fn mailboxes(table: Table) -> Result<Parsed<MailboxRow>, MailcowError> {
    let quota_column = if table.has("quota_mib") {
        "quota_mib"
    } else {
        "quota"
    };
    table.require(&["local_part", "domain", quota_column])?;
    let mut parsed = Parsed {
        rows: Vec::new(),
        bad: Vec::new(),
    };
    for record in &table.records {
        let mut reasons = Vec::new();
        let raw_local = table.cell(record, "local_part");
        let raw_domain = table.cell(record, "domain");
        let local_part = collect(rules::local_part(raw_local), &mut reasons);
        let domain = collect(rules::domain(raw_domain), &mut reasons);
        let name = collect(rules::name(table.cell(record, "name")), &mut reasons);
        let quota_mib = collect(
            rules::parse_quota_mib(table.cell(record, quota_column)),
            &mut reasons,
        );
        let password = table.cell(record, "password");
        let password = if password.is_empty() {
            Some(None)
        } else {
            collect(rules::password(password), &mut reasons)
                .map(|()| Some(Sensitive::new(password.to_owned())))
        };
        let active = collect(active(table.cell(record, "active")), &mut reasons);
        match (local_part, domain, name, quota_mib, password, active) {
            (
                Some(local_part),
                Some(domain),
                Some(name),
                Some(quota_mib),
                Some(password),
                Some(active),
            ) if reasons.is_empty() => parsed.rows.push(MailboxRow {
                line: line(record),
                local_part,
                domain,
                name,
                quota_mib,
                password,
                active,
            }),
            _ => parsed.bad.push(BadRow {
                line: line(record),
                address: format!("{raw_local}@{raw_domain}"),
                reasons,
            }),
        }
    }
    Ok(parsed)
}

/// Reads an alias file.
pub fn read_aliases(input: impl Read) -> Result<Parsed<AliasRow>, MailcowError> {
    aliases(Table::read(input)?)
}

fn aliases(table: Table) -> Result<Parsed<AliasRow>, MailcowError> {
    table.require(&["address", "targets"])?;
    let mut parsed = Parsed {
        rows: Vec::new(),
        bad: Vec::new(),
    };
    for record in &table.records {
        let mut reasons = Vec::new();
        let raw_address = table.cell(record, "address");
        let active = collect(active(table.cell(record, "active")), &mut reasons);
        let alias = collect(
            rules::new_alias(&super::NewAlias {
                address: raw_address.to_owned(),
                targets: split_targets(table.cell(record, "targets")),
                active: active.unwrap_or(true),
            }),
            &mut reasons,
        );
        match alias {
            Some(alias) if reasons.is_empty() => parsed.rows.push(AliasRow {
                line: line(record),
                address: alias.address,
                targets: alias.targets,
                active: alias.active,
            }),
            _ => parsed.bad.push(BadRow {
                line: line(record),
                address: raw_address.to_owned(),
                reasons,
            }),
        }
    }
    Ok(parsed)
}

/// Reads either kind, told apart by the columns: `local_part` makes a mailbox file,
/// `targets` an alias file.
pub fn read(input: impl Read) -> Result<CsvFile, MailcowError> {
    let table = Table::read(input)?;
    if table.has("local_part") {
        mailboxes(table).map(CsvFile::Mailboxes)
    } else if table.has("targets") {
        aliases(table).map(CsvFile::Aliases)
    } else {
        Err(file_error(
            "The first line must name the columns: local_part, domain, name, quota_mib, password, active for mailboxes, or address, targets for aliases.",
            "Die erste Zeile muss die Spalten nennen: local_part, domain, name, quota_mib, password, active für Postfächer oder address, targets für Aliasse.",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mailcow_csv_mailbox_rows_good_and_bad() {
        let file = "\u{feff}Local Part,domain,name,quota_mib,password,active\n\
                    anna,Example.test,Anna A,1024,Typed-pw-1,1\n\
                    \n\
                    bob,example.test,,512,,\n\
                    max+news,example.test,Max,lots,,maybe\n\
                    carl,example.test,Carl,0,,no\n";
        let parsed = read_mailboxes(file.as_bytes()).unwrap();
        assert_eq!(parsed.rows.len(), 2);
        let anna = &parsed.rows[0];
        assert_eq!(
            (anna.line, anna.address().as_str()),
            (2, "anna@example.test")
        );
        assert_eq!((anna.quota_mib, anna.active), (1024, true));
        assert_eq!(anna.password.as_ref().unwrap().expose(), "Typed-pw-1");
        let bob = &parsed.rows[1];
        assert!(bob.password.is_none() && bob.active && bob.name.is_empty());
        assert_eq!(parsed.bad.len(), 2);
        let max = &parsed.bad[0];
        assert_eq!(max.line, 5);
        let fields: Vec<_> = max.reasons.iter().filter_map(|r| r.field.clone()).collect();
        assert_eq!(fields, ["local_part", "quota_mib", "active"]);
        assert!(max.reasons.iter().all(|r| !r.message_de.is_empty()));
        assert_eq!(parsed.bad[1].reasons[0].field.as_deref(), Some("quota_mib"));
        // Debug output never shows a typed password.
        assert!(!format!("{parsed:?}").contains("Typed-pw-1"));
    }

    #[test]
    fn mailcow_csv_semicolons_and_alias_files() {
        let file = "address;targets;active\n\
                    info@example.test;anna@example.test, bob@example.test;1\n\
                    @example.test;anna@example.test\n\
                    bad;anna@example.test\n\
                    sales@example.test;\n";
        match read(file.as_bytes()).unwrap() {
            CsvFile::Aliases(parsed) => {
                assert_eq!(parsed.rows.len(), 2);
                assert_eq!(
                    parsed.rows[0].targets,
                    ["anna@example.test", "bob@example.test"]
                );
                assert_eq!(parsed.rows[1].address, "@example.test");
                let fields: Vec<_> = parsed
                    .bad
                    .iter()
                    .map(|b| b.reasons[0].field.clone().unwrap())
                    .collect();
                assert_eq!(fields, ["address", "targets"]);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn mailcow_csv_missing_columns_name_them() {
        let err = read_mailboxes("local_part,name\nanna,Anna\n".as_bytes()).unwrap_err();
        let (_, en, de) = err.describe();
        assert!(
            en.contains("domain, quota") && de.contains("domain, quota"),
            "{en}"
        );
        assert!(read("foo,bar\n1,2\n".as_bytes()).is_err());
    }
}
