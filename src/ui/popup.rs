//! Popups and dialogs close the way people expect: Esc closes the one in front, a click
//! outside closes a popup (not a dialog window, whose typed input a stray click must not
//! lose).

/// Whether an open popup covering `rect` should close this frame: Esc was pressed (and is
/// used up, so it does not also end a drawing), or the pointer was pressed outside `rect`
/// while none of egui's own popups (a drop-down list inside it) is open.
pub(crate) fn closes(ctx: &egui::Context, rect: egui::Rect) -> bool {
    let outside = ctx.input(|i| {
        i.pointer.any_pressed() && i.pointer.interact_pos().is_some_and(|p| !rect.contains(p))
    });
    esc(ctx) || (outside && !egui::Popup::is_any_open(ctx))
}

/// Whether Esc was pressed this frame and nothing used it yet; it is used up here, so one
/// press closes one thing.
pub(crate) fn esc(ctx: &egui::Context) -> bool {
    ctx.input_mut(|i| i.consume_key(egui::Modifiers::NONE, egui::Key::Escape))
}
