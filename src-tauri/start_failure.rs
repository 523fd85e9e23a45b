//! A start that fails before the window exists: the cause goes to standard error, as
//! before, and into the system's own error dialog, since a window started from the
//! desktop's menu, at login or from a file manager shows no standard error at all. The
//! process waits until the dialog is closed, then ends with exit code 1.

use cowdesk_core::alerts::Lang;
use cowdesk_core::start::failure::StartFailure;

/// Says `failure` on standard error (`line` there, unchanged for logs and bug reports)
/// and, where a display can be reached, in an error dialog. Returns the exit code.
pub fn tell(line: &str, failure: impl FnOnce(Lang) -> StartFailure) -> i32 {
    eprintln!("cowdesk: {line}");
    let lang = Lang::from_code(cowdesk_core::start::system_language());
    show(&failure(lang));
    1
}

/// GTK directly, on this (the main) thread: rfd's message box initialises GTK on a
/// thread of its own and waits for it for good when there is no display to initialise.
#[cfg(target_os = "linux")]
fn show(failure: &StartFailure) {
    use gtk::prelude::*;
    if gtk::init().is_err() {
        return; // no display: standard error was all there is
    }
    let dialog = gtk::MessageDialog::new(
        None::<&gtk::Window>,
        gtk::DialogFlags::MODAL,
        gtk::MessageType::Error,
        gtk::ButtonsType::None,
        &failure.headline,
    );
    dialog.add_button(&failure.close, gtk::ResponseType::Close);
    dialog.set_title(&failure.title);
    dialog.set_secondary_text(Some(&failure.details));
    // The cause and the folder can be selected and copied into a support request.
    if let Some(area) = dialog.message_area().downcast_ref::<gtk::Container>() {
        for label in area.children() {
            if let Some(label) = label.downcast_ref::<gtk::Label>() {
                label.set_selectable(true);
            }
        }
    }
    dialog.run();
    dialog.hide();
}

#[cfg(not(target_os = "linux"))]
fn show(failure: &StartFailure) {
    rfd::MessageDialog::new()
        .set_level(rfd::MessageLevel::Error)
        .set_title(&failure.title)
        .set_description(format!("{}\n\n{}", failure.headline, failure.details))
        .set_buttons(rfd::MessageButtons::OkCustom(failure.close.clone()))
        .show();
}
