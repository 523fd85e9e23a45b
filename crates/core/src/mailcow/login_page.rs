//! What cowdesk reads from the pages of the mailcow web interface: the CSRF token
//! (`var csrf_token = '…'`) and, after a login that waits for a second factor, which
//! authenticators the login has (the hidden inputs of the two-factor dialog).

/// The login's answer when it was not a redirect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum LoginPage {
    /// The two-factor dialog: the ids of the TOTP authenticators, and whether a security
    /// key (WebAuthn) or a Yubico OTP key is offered.
    SecondFactor {
        totp_ids: Vec<String>,
        webauthn: bool,
        yubi_otp: bool,
    },
    /// The login form again, without a dialog: the login failed.
    Failed,
}

/// The CSRF token embedded in a page, if any.
pub(crate) fn csrf_token(page: &str) -> Option<String> {
    let start = page.find("var csrf_token = '")? + "var csrf_token = '".len();
    let rest = &page[start..];
    let token = &rest[..rest.find('\'')?];
    let plausible =
        !token.is_empty() && token.len() <= 256 && token.chars().all(|c| c.is_ascii_alphanumeric());
    plausible.then(|| token.to_owned())
}

/// Reads the page the login form answered with.
pub(crate) fn login_page(page: &str) -> LoginPage {
    if !page.contains("ConfirmTFAModal") && !page.contains("verify_tfa_login") {
        return LoginPage::Failed;
    }
    LoginPage::SecondFactor {
        totp_ids: authenticator_ids(page, "totp-authenticator-selection"),
        webauthn: page.contains("webauthn-authenticator-selection")
            || page.contains("id=\"tfa_tab_webauthn\""),
        yubi_otp: page.contains("id=\"tfa_tab_yubi_otp\""),
    }
}

/// The values of the hidden inputs inside the list entries of one kind of
/// authenticator (`<a class="… {class}"> … <input type="hidden" value="ID" /> </a>`);
/// the page's scripts name the class too, but never as the end of a class attribute.
fn authenticator_ids(page: &str, class: &str) -> Vec<String> {
    let mut ids = Vec::new();
    let mut rest = page;
    let pattern = format!("{class}\"");
    while let Some(at) = rest.find(&pattern) {
        rest = &rest[at + pattern.len()..];
        let entry = &rest[..rest.find("</a>").unwrap_or(rest.len())];
        let Some(input) = entry.find("<input type=\"hidden\"") else {
            continue;
        };
        let input = &entry[input..];
        let Some(v) = input.find("value=\"") else {
            continue;
        };
        let value = &input[v + "value=\"".len()..];
        let Some(end) = value.find('"') else { continue };
        let id = value[..end].trim();
        if !id.is_empty() && id.chars().all(|c| c.is_ascii_digit()) && !ids.iter().any(|i| i == id)
        {
            ids.push(id.to_owned());
        }
    }
    ids
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mailcow_csrf_token_is_read_from_the_page() {
        let page = "<script>\n  var csrf_token = 'a465b20573a2ce558a2d';\n  var x = 'y';</script>";
        assert_eq!(csrf_token(page).as_deref(), Some("a465b20573a2ce558a2d"));
        assert_eq!(csrf_token("var csrf_token = '';"), None);
        assert_eq!(csrf_token("var csrf_token = 'a b';"), None);
        assert_eq!(csrf_token("<html>no token</html>"), None);
    }

    // Shaped as templates/modals/footer.twig renders the dialog.
    const TOTP_AND_WEBAUTHN: &str = r##"
<div class="modal fade" id="ConfirmTFAModal" tabindex="-1">
  <div class="tab-pane active" id="tfa_tab_webauthn">
    <a href="#" class="list-group-item webauthn-authenticator-selection">
      <i class="bi bi-key-fill"></i><span>my key</span>
      <input type="hidden" value="3" /><br/>
    </a>
    <input type="hidden" name="tfa_method" value="webauthn">
  </div>
  <div role="tabpanel" class="tab-pane active" id="tfa_tab_totp">
    <a href="#" class="list-group-item totp-authenticator-selection">
      <i class="bi bi-key-fill" style="margin-right: 5px"></i>
      <span>phone</span>
      <input type="hidden" value="7" />
    </a>
    <input type="hidden" name="tfa_method" value="totp">
    <input type="hidden" name="id" id="totp_selected_id" /><br/>
    <button type="submit" name="verify_tfa_login">Login</button>
  </div>
</div>
<script>
  var id = $('.totp-authenticator-selection').children('input').first().val();
  $('<input type="hidden" value="1234">').attr('name', 'csrf_token').appendTo('form');
</script>"##;

    #[test]
    fn mailcow_two_factor_dialog_lists_the_authenticators() {
        assert_eq!(
            login_page(TOTP_AND_WEBAUTHN),
            LoginPage::SecondFactor {
                totp_ids: vec!["7".into()],
                webauthn: true,
                yubi_otp: false
            }
        );
        let webauthn_only = TOTP_AND_WEBAUTHN
            .split("<div role=\"tabpanel\"")
            .next()
            .unwrap()
            .to_owned()
            + "<input type=\"hidden\" name=\"verify_tfa_login\"/>";
        assert_eq!(
            login_page(&webauthn_only),
            LoginPage::SecondFactor {
                totp_ids: vec![],
                webauthn: true,
                yubi_otp: false
            }
        );
        let form = r#"<form method="post"><input name="login_user" id="login_user"></form>"#;
        assert_eq!(login_page(form), LoginPage::Failed);
    }
}
