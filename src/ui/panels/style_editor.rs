//! The Style section of a layer in the layers panel: colour, symbol, sizes, opacity, colour by
//! category, size by a number, labels and the legend. It returns the changed style; the app
//! applies it as a command (`Command::SetStyle`), so it is saved with the project.

use std::collections::HashMap;

use egui::{ComboBox, Slider};

use crate::model::{Layer, LayerId};
use crate::style::{self, Categories, Graduated, LayerStyle, Rgba, Symbol};
use crate::ui::a11y;

/// The properties of each layer, found once per feature count (a scan of a big layer is not
/// repeated every frame).
#[derive(Default)]
pub(crate) struct StyleEditor {
    keys: HashMap<LayerId, (usize, Vec<String>, Vec<String>)>,
}

impl StyleEditor {
    /// The style controls of one layer; the new style when the user changed something.
    pub(crate) fn ui(
        &mut self,
        ui: &mut egui::Ui,
        id: LayerId,
        layer: &Layer,
        current: &LayerStyle,
    ) -> Option<LayerStyle> {
        let count = layer.features.len();
        let entry = self
            .keys
            .entry(id)
            .or_insert_with(|| (usize::MAX, vec![], vec![]));
        if entry.0 != count {
            *entry = (
                count,
                style::property_keys(layer),
                style::numeric_keys(layer),
            );
        }
        let (_, keys, numeric) = &*entry;
        let mut s = current.clone();
        let name = &layer.name;
        egui::Grid::new(("style-grid", id))
            .num_columns(2)
            .spacing([8.0, 4.0])
            .show(ui, |ui| {
                symbol_rows(ui, id, name, &mut s);
                colour_by_rows(ui, id, layer, keys, &mut s);
                size_by_rows(ui, id, layer, numeric, &mut s);
                label_and_legend_rows(ui, id, name, keys, &mut s);
            });
        (s != *current).then_some(s)
    }
}

/// Colour, symbol, point size, line width, fill and opacity.
fn symbol_rows(ui: &mut egui::Ui, id: LayerId, name: &str, s: &mut LayerStyle) {
    ui.label("Colour");
    color_button(ui, &mut s.color, &format!("Colour of {name}"));
    ui.end_row();

    ui.label("Symbol");
    let r = ComboBox::from_id_salt(("symbol", id))
        .selected_text(s.symbol.name())
        .show_ui(ui, |ui| {
            for symbol in Symbol::ALL {
                ui.selectable_value(&mut s.symbol, symbol, symbol.name());
            }
        });
    a11y::name(&r.response, format!("Symbol of {name}"));
    ui.end_row();

    ui.label("Point size");
    let r = ui.add(Slider::new(&mut s.point_radius, 2.0..=20.0).suffix(" pt"));
    a11y::name(&r, format!("Point size of {name}"));
    ui.end_row();

    ui.label("Line width");
    let r = ui.add(Slider::new(&mut s.line_width, 0.5..=10.0).suffix(" pt"));
    a11y::name(&r, format!("Line width of {name}"));
    ui.end_row();

    ui.label("Fill");
    let r = ui.add(Slider::new(&mut s.fill_opacity, 0.0..=1.0));
    a11y::name(&r, format!("Fill opacity of {name}"));
    ui.end_row();

    ui.label("Opacity");
    let r = ui.add(Slider::new(&mut s.opacity, 0.0..=1.0));
    a11y::name(&r, format!("Opacity of {name}"));
    ui.end_row();
}

/// "Colour by" a property, and a colour per category.
fn colour_by_rows(
    ui: &mut egui::Ui,
    id: LayerId,
    layer: &Layer,
    keys: &[String],
    s: &mut LayerStyle,
) {
    ui.label("Colour by");
    let by = s.categories.as_ref().map(|c| c.property.clone());
    let mut chosen = by.clone();
    property_combo(
        ui,
        ("colour-by", id),
        &mut chosen,
        keys,
        "single colour",
        "Colour by",
    );
    if chosen != by {
        s.categories = chosen.map(|p| Categories::from_layer(&p, layer));
    }
    ui.end_row();

    if let Some(c) = &mut s.categories {
        for class in &mut c.classes {
            color_button(ui, &mut class.color, &format!("Colour of {}", class.value));
            ui.label(&class.value);
            ui.end_row();
        }
        color_button(ui, &mut c.other, "Colour of other values");
        ui.label("other / no value");
        ui.end_row();
    }
}

/// "Size by" a numeric property, and the smallest and largest sizes.
fn size_by_rows(
    ui: &mut egui::Ui,
    id: LayerId,
    layer: &Layer,
    numeric: &[String],
    s: &mut LayerStyle,
) {
    ui.label("Size by");
    let by = s.graduated.as_ref().map(|g| g.property.clone());
    let mut chosen = by.clone();
    property_combo(
        ui,
        ("size-by", id),
        &mut chosen,
        numeric,
        "fixed size",
        "Size by",
    );
    if chosen != by {
        s.graduated = chosen.and_then(|p| Graduated::from_layer(&p, layer));
    }
    ui.end_row();

    if let Some(g) = &mut s.graduated {
        ui.label("Sizes");
        ui.horizontal(|ui| {
            let r = ui.add(
                egui::DragValue::new(&mut g.min_radius)
                    .range(1.0..=40.0)
                    .suffix(" pt"),
            );
            a11y::name(&r, "Smallest size");
            ui.label("to");
            let r = ui.add(
                egui::DragValue::new(&mut g.max_radius)
                    .range(1.0..=60.0)
                    .suffix(" pt"),
            );
            a11y::name(&r, "Largest size");
        });
        ui.end_row();
    }
}

/// The label property, whether the layer is in the legend, and its legend title.
fn label_and_legend_rows(
    ui: &mut egui::Ui,
    id: LayerId,
    name: &str,
    keys: &[String],
    s: &mut LayerStyle,
) {
    ui.label("Labels");
    property_combo(
        ui,
        ("label-by", id),
        &mut s.label,
        keys,
        "no labels",
        "Labels from",
    );
    ui.end_row();

    ui.label("Legend");
    let r = ui.checkbox(&mut s.in_legend, "in the legend");
    a11y::name(&r, format!("{name} in the legend"));
    ui.end_row();

    ui.label("Legend title");
    let mut title = s.title.clone().unwrap_or_default();
    let r = ui.add(
        egui::TextEdit::singleline(&mut title)
            .hint_text(name)
            .desired_width(150.0),
    );
    a11y::name(&r, format!("Legend title of {name}"));
    if r.changed() {
        s.title = Some(title).filter(|t| !t.trim().is_empty());
    }
    ui.end_row();
}

fn color_button(ui: &mut egui::Ui, color: &mut Rgba, label: &str) {
    let r = ui.color_edit_button_srgba_unmultiplied(&mut color.0);
    a11y::name(&r, label);
}

/// A drop-down of `keys` with `none` for no property.
fn property_combo(
    ui: &mut egui::Ui,
    id: impl std::hash::Hash + std::fmt::Debug,
    chosen: &mut Option<String>,
    keys: &[String],
    none: &str,
    what: &str,
) {
    let text = chosen.clone().unwrap_or_else(|| none.to_owned());
    let r = ComboBox::from_id_salt(id)
        .selected_text(text.clone())
        .width(150.0)
        .show_ui(ui, |ui| {
            ui.selectable_value(chosen, None, none);
            for key in keys {
                ui.selectable_value(chosen, Some(key.clone()), key);
            }
        });
    a11y::name(&r.response, format!("{what}: {text}"));
}
