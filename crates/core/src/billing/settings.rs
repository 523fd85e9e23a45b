//! Billing settings: the postal address and the billing e-mail list (FAQ "Change billing
//! address or billing email": several addresses separated by `;`, used only for invoices,
//! applied to future invoices only).

use cowdesk_model::{PostalAddress, ProfileUpdate};

use super::forms::Problems;
use crate::error::CoreError;
use crate::validate;

/// More would not be an accounting list any more.
pub const MAX_BILLING_EMAILS: usize = 10;
const MAX_LINE: usize = 100;

/// The update as it will be sent: trimmed, addresses lower-cased and without duplicates,
/// or every problem at once.
pub fn checked_update(update: &ProfileUpdate) -> Result<ProfileUpdate, CoreError> {
    let mut problems = Problems::default();
    let a = &update.address;
    let line = |value: &str| value.trim().to_owned();
    let address = PostalAddress {
        company: a.company.as_deref().map(line).filter(|c| !c.is_empty()),
        name: line(&a.name),
        street: line(&a.street),
        postal_code: line(&a.postal_code),
        city: line(&a.city),
        country: line(&a.country).to_uppercase(),
    };
    for (field, value, en, de) in [
        (
            "name",
            &address.name,
            "Enter a name.",
            "Geben Sie einen Namen ein.",
        ),
        (
            "street",
            &address.street,
            "Enter the street and number.",
            "Geben Sie Straße und Hausnummer ein.",
        ),
        (
            "postal_code",
            &address.postal_code,
            "Enter the postal code.",
            "Geben Sie die Postleitzahl ein.",
        ),
        (
            "city",
            &address.city,
            "Enter the city.",
            "Geben Sie den Ort ein.",
        ),
    ] {
        if value.is_empty() {
            problems.add(field, en, de);
        } else if value.chars().count() > MAX_LINE {
            problems.add(
                field,
                "This line is too long (at most 100 characters).",
                "Diese Zeile ist zu lang (höchstens 100 Zeichen).",
            );
        }
    }
    if address
        .company
        .as_deref()
        .is_some_and(|c| c.chars().count() > MAX_LINE)
    {
        problems.add(
            "company",
            "This line is too long (at most 100 characters).",
            "Diese Zeile ist zu lang (höchstens 100 Zeichen).",
        );
    }
    if address.country.len() != 2 || !address.country.chars().all(|c| c.is_ascii_uppercase()) {
        problems.add(
            "country",
            "Choose a country (two-letter code such as DE).",
            "Wählen Sie ein Land (Kürzel mit zwei Buchstaben wie DE).",
        );
    } else if address.country == "DE"
        && !address.postal_code.is_empty()
        && !(address.postal_code.len() == 5
            && address.postal_code.chars().all(|c| c.is_ascii_digit()))
    {
        problems.add(
            "postal_code",
            "A German postal code has five digits.",
            "Eine deutsche Postleitzahl hat fünf Ziffern.",
        );
    }

    let mut emails: Vec<String> = Vec::new();
    for raw in &update.billing_emails {
        for part in raw.split(';') {
            let part = part.trim();
            if part.is_empty() {
                continue;
            }
            match validate::email(part) {
                Ok(email) => {
                    let email = email.to_lowercase();
                    if !emails.contains(&email) {
                        emails.push(email);
                    }
                }
                Err(_) => problems.add(
                    "billing_emails",
                    &format!("“{part}” is not a valid e-mail address."),
                    &format!("„{part}“ ist keine gültige E-Mail-Adresse."),
                ),
            }
        }
    }
    if emails.is_empty() && problems.is_empty() {
        problems.add(
            "billing_emails",
            "Enter at least one address for invoices.",
            "Geben Sie mindestens eine Adresse für Rechnungen ein.",
        );
    }
    if emails.len() > MAX_BILLING_EMAILS {
        problems.add(
            "billing_emails",
            "At most 10 addresses can receive invoices.",
            "Höchstens 10 Adressen können Rechnungen erhalten.",
        );
    }
    problems.finish()?;
    Ok(ProfileUpdate {
        address,
        billing_emails: emails,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn update(emails: &[&str]) -> ProfileUpdate {
        ProfileUpdate {
            address: PostalAddress {
                company: Some(" Müller Webdesign ".into()),
                name: "Anna Müller".into(),
                street: "Lindenstraße 12".into(),
                postal_code: "49074".into(),
                city: "Osnabrück".into(),
                country: "de".into(),
            },
            billing_emails: emails.iter().map(|e| e.to_string()).collect(),
        }
    }

    #[test]
    fn billing_emails_split_on_semicolons_and_lose_duplicates() {
        let checked = checked_update(&update(&[
            "Rechnung@Mueller.de; buchhaltung@mueller.de;",
            "rechnung@mueller.de",
        ]))
        .unwrap();
        assert_eq!(
            checked.billing_emails,
            ["rechnung@mueller.de", "buchhaltung@mueller.de"]
        );
        assert_eq!(checked.address.country, "DE");
        assert_eq!(checked.address.company.as_deref(), Some("Müller Webdesign"));
    }

    #[test]
    fn billing_settings_name_each_bad_address() {
        let err = checked_update(&update(&[
            "rechnung@mueller.de",
            "buchhaltung@",
            "a b@c.de",
        ]))
        .unwrap_err();
        let info = err.info();
        assert!(info.message.contains("“buchhaltung@”"), "{}", info.message);
        assert!(info.message_de.contains("„buchhaltung@“"));
        assert!(checked_update(&update(&[])).is_err(), "no address at all");
        let many: Vec<String> = (0..11).map(|i| format!("a{i}@b.de")).collect();
        let many: Vec<&str> = many.iter().map(String::as_str).collect();
        assert!(checked_update(&update(&many)).is_err());
    }

    #[test]
    fn billing_address_needs_its_lines() {
        let mut bad = update(&["a@b.de"]);
        bad.address.street = " ".into();
        bad.address.postal_code = "4907".into();
        bad.address.country = "Germany".into();
        let fields: Vec<String> = checked_update(&bad)
            .unwrap_err()
            .info()
            .fields
            .into_keys()
            .collect();
        assert_eq!(fields, ["country", "street"]);
        let mut short = update(&["a@b.de"]);
        short.address.postal_code = "4907".into();
        assert!(checked_update(&short)
            .unwrap_err()
            .info()
            .fields
            .contains_key("postal_code"));
        let mut abroad = update(&["a@b.de"]);
        abroad.address.country = "AT".into();
        abroad.address.postal_code = "1010".into();
        assert!(checked_update(&abroad).is_ok());
    }
}
