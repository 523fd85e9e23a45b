//! Where the portal preview may send a password. The portal contract
//! (docs/portal-api.yaml) is cowdesk's own: Servercow's customer portal has no public
//! API. So the portal connection is a preview, used only with a server address the user
//! typed (the sandbox, or a server that speaks the contract). There is no default
//! address, and Servercow's own portal hosts are refused by name: no password is ever
//! posted to an address known not to speak the contract.

use url::Url;

use crate::error::CoreError;

use super::check_server;

/// Hosts of Servercow's own web sites and customer portal: none of them serves the
/// portal contract. A host equal to one of these or below it is refused.
const SERVERCOW_HOSTS: [&str; 1] = ["servercow.de"];

/// The portal preview's server address as typed, checked and without a trailing slash,
/// or a refusal on the field `server` in English and German.
pub fn preview_server(server: &str) -> Result<String, CoreError> {
    if server.trim().is_empty() {
        return Err(CoreError::field(
            "server",
            "Enter the address of a server that speaks cowdesk's portal contract, such as \
             the sandbox. There is no default: Servercow's customer portal has no public API.",
            "Geben Sie die Adresse eines Servers ein, der die Portal-Schnittstelle von cowdesk \
             spricht, etwa die Sandbox. Eine Voreinstellung gibt es nicht: Das Kundenportal \
             von Servercow hat keine öffentliche API.",
        ));
    }
    let url = check_server(server)?;
    if is_servercow_host(&url) {
        return Err(CoreError::field(
            "server",
            "This is Servercow's own site, which has no public API for the portal: cowdesk \
             does not send your password there. Enter a server that speaks the portal \
             contract, or try the demo.",
            "Das ist Servercows eigene Seite, und sie hat keine öffentliche API für das \
             Portal: cowdesk schickt Ihr Passwort nicht dorthin. Geben Sie einen Server ein, \
             der die Portal-Schnittstelle spricht, oder probieren Sie die Demo aus.",
        ));
    }
    Ok(url.as_str().trim_end_matches('/').to_owned())
}

fn is_servercow_host(url: &Url) -> bool {
    let Some(url::Host::Domain(host)) = url.host() else {
        return false;
    };
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    SERVERCOW_HOSTS
        .iter()
        .any(|own| host == *own || host.ends_with(&format!(".{own}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ErrorKind;

    fn server_field(err: CoreError) -> (String, String) {
        let info = err.info();
        assert_eq!(info.kind, ErrorKind::InvalidInput);
        (
            info.fields
                .get("server")
                .cloned()
                .expect("on the server field"),
            info.fields_de
                .get("server")
                .cloned()
                .expect("in German too"),
        )
    }

    #[test]
    fn portal_preview_refuses_an_empty_server() {
        for empty in ["", "   ", "\t\n"] {
            let (en, de) = server_field(preview_server(empty).unwrap_err());
            assert!(en.contains("There is no default"), "{en}");
            assert!(de.contains("keine öffentliche API"), "{de}");
        }
    }

    #[test]
    fn portal_preview_refuses_servercows_own_hosts() {
        for real in [
            "https://cp.servercow.de",
            "https://CP.Servercow.DE/",
            "https://servercow.de",
            "https://www.servercow.de.",
        ] {
            let (en, de) = server_field(preview_server(real).unwrap_err());
            assert!(
                en.contains("does not send your password there"),
                "{real}: {en}"
            );
            assert!(de.contains("nicht dorthin"), "{real}: {de}");
        }
    }

    #[test]
    fn portal_preview_takes_an_entered_contract_server() {
        assert_eq!(
            preview_server(" http://127.0.0.1:8080/ ").unwrap(),
            "http://127.0.0.1:8080"
        );
        assert_eq!(
            preview_server("https://portal.example.net").unwrap(),
            "https://portal.example.net"
        );
        // A look-alike is not Servercow's host.
        assert_eq!(
            preview_server("https://notservercow.de").unwrap(),
            "https://notservercow.de"
        );
        assert_eq!(
            preview_server("http://example.com").unwrap_err().kind(),
            ErrorKind::InsecureServer
        );
    }
}
