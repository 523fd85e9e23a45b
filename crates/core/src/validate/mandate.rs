//! What the mandate views send beside ids: the SEPA form's fields, the kind of a
//! provider mandate, and what to do with a mandate.

use cowdesk_model::MandateKind;

use crate::error::CoreError;

const MAX_FIELD: usize = 200;

/// A SEPA form field (holder, IBAN, BIC): at most 200 characters; the SEPA rules judge
/// the rest.
pub fn sepa_field<'a>(name: &str, value: &'a str) -> Result<&'a str, CoreError> {
    if value.chars().count() > MAX_FIELD {
        return Err(CoreError::field(
            name,
            "This is far too long.",
            "Das ist viel zu lang.",
        ));
    }
    Ok(value)
}

/// "paypal" or "card".
pub fn provider_kind(value: &str) -> Result<MandateKind, CoreError> {
    match value {
        "paypal" => Ok(MandateKind::Paypal),
        "card" => Ok(MandateKind::Card),
        _ => Err(CoreError::field(
            "kind",
            "Choose PayPal or credit card.",
            "Wählen Sie PayPal oder Kreditkarte.",
        )),
    }
}

/// What to do with a mandate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MandateChange {
    /// Make it the default for new invoices.
    MakeDefault,
    Cancel,
}

/// "default" or "cancel".
pub fn change(value: &str) -> Result<MandateChange, CoreError> {
    match value {
        "default" => Ok(MandateChange::MakeDefault),
        "cancel" => Ok(MandateChange::Cancel),
        _ => Err(CoreError::field(
            "action",
            "Choose to make the mandate the default or to cancel it.",
            "Wählen Sie, ob das Mandat Standard werden oder gekündigt werden soll.",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mandate_ipc_choices_are_closed_and_fields_bounded() {
        assert_eq!(provider_kind("paypal").unwrap(), MandateKind::Paypal);
        assert_eq!(provider_kind("card").unwrap(), MandateKind::Card);
        assert!(provider_kind("sepa").is_err());
        assert_eq!(change("default").unwrap(), MandateChange::MakeDefault);
        assert_eq!(change("cancel").unwrap(), MandateChange::Cancel);
        assert!(change("delete").is_err());
        assert!(sepa_field("iban", &"D".repeat(200)).is_ok());
        let err = sepa_field("iban", &"D".repeat(201)).unwrap_err().info();
        assert!(err.fields.contains_key("iban"));
    }
}
