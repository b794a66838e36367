//! What the window shows, as a [`Scene`] to publish: the document, each layer's visibility and
//! style as in the layers panel, the date field the timeline uses for it, the timeline's
//! window, and the basemap tiles chosen in the window. The one way the GUI builds what it
//! publishes.

use std::collections::HashMap;
use std::path::PathBuf;

use crate::publish::draw::TileBasemap;
use crate::publish::{Scene, Shown};
use crate::ui::app::RaidmapApp;

/// The scene of what the window shows, the files its layers came from (the project's file
/// first; fingerprinted by the caller, off the window's thread), and a warning when the chosen
/// basemap cannot be drawn (the offline one is used then). `with_tiles`: draw the chosen tile
/// basemap under the data. `selected_only`: only the features selected on the map (the
/// layers without one left out).
pub fn scene_of(
    app: &RaidmapApp,
    with_tiles: bool,
    selected_only: bool,
) -> (Scene, Vec<PathBuf>, Option<String>) {
    let mut shown = Vec::new();
    let mut time_fields = HashMap::new();
    for (id, _) in app.doc.layers() {
        let (visible, style) = match app.views.get(&id) {
            Some(view) => (view.visible, view.style.clone()),
            None => continue,
        };
        shown.push(Shown { id, visible, style });
        time_fields.insert(id, app.timeline.times(id).map(|t| t.field.clone()));
    }
    let (tiles, warning) = if with_tiles {
        match app.map.basemap.settings.source.open(None) {
            Ok(loader) => (
                loader.map(|loader| TileBasemap {
                    credit: loader.attribution(),
                    loader,
                }),
                None,
            ),
            Err(err) => (
                None,
                Some(format!(
                    "The basemap cannot be drawn ({}); the offline basemap is used instead.",
                    crate::tiles::describe(&err)
                )),
            ),
        }
    } else {
        (None, None)
    };
    let mut scene = Scene {
        doc: app.doc.clone(),
        shown,
        files: Vec::new(),
        window: app.timeline.window(),
        time_fields,
        tiles,
        unsaved_changes: app.has_unsaved_changes(),
        selected_only: false,
    };
    if selected_only {
        scene.keep_only(&app.editing.selected(app.selection));
    }
    let mut files: Vec<PathBuf> = app.project.path.iter().cloned().collect();
    for (_, layer) in scene.doc.layers() {
        if let Some(path) = &layer.path
            && path.is_file()
            && !files.contains(path)
        {
            files.push(path.clone());
        }
    }
    (scene, files, warning)
}
