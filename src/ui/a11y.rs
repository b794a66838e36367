//! Accessible names (AccessKit) for controls whose visible text does not say what they do: a
//! checkbox without text, a colour button, a text field known by its hint. Screen readers read
//! these names, and the egui_kittest tests find controls by them.

/// Give the control behind `response` the accessible name `label`.
pub(crate) fn name(response: &egui::Response, label: impl Into<String>) {
    let label = label.into();
    response
        .ctx
        .accesskit_node_builder(response.id, |node| node.set_label(label));
}
