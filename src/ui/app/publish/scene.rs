//! What the window shows, as a [`Scene`] to publish: the document, each layer's visibility and
//! style as in the layers panel, the date field the timeline uses for it, the timeline's
//! window, and the basemap tiles chosen in the window. The one way the GUI builds what it
//! publishes.

use std::collections::HashMap;
use std::path::PathBuf;

use crate::publish::draw::TileBasemap;
use crate::publish::{Scene, Shown};
use crate::tiles::Source;
use crate::ui::app::RaidmapApp;

/// The scene of what the window shows, the files its layers came from (the project's file
/// first; fingerprinted by the caller, off the window's thread), and a warning when the chosen
/// basemap cannot be drawn (the offline one is used then). `with_tiles`: draw the chosen tile
/// basemap under the data. `selected_only`: only the features selected on the map (the
/// layers without one left out).
pub(crate) fn scene_of(
    app: &RaidmapApp,
    with_tiles: bool,
    selected_only: bool,
) -> (Scene, Vec<PathBuf>, Option<String>) {
    let mut shown = Vec::new();
    let mut time_fields = HashMap::new();
    for (id, _) in app.doc.layers() {
        let (visible, style) = match app.views.get(&id) {
            Some(view) => (view.visible, view.style().clone()),
            None => continue,
        };
        shown.push(Shown { id, visible, style });
        time_fields.insert(id, app.timeline.times(id).map(|t| t.field.clone()));
    }
    let (tiles, warning) = if with_tiles {
        open_tiles(&app.map.basemap.settings.source)
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

/// The tiles of a basemap chosen in the window, to draw in a picture (`None`: the offline
/// basemap), and what to tell the user when they cannot be opened (the offline basemap is
/// drawn in their place then). The one way the window opens a basemap for a picture.
pub(crate) fn open_tiles(source: &Source) -> (Option<TileBasemap>, Option<String>) {
    match TileBasemap::open(source, None) {
        Ok(tiles) => (tiles, None),
        Err(err) => (
            None,
            Some(format!(
                "{} cannot be drawn ({}); the offline basemap is drawn in its place.",
                source.label(),
                crate::tiles::describe(&err)
            )),
        ),
    }
}
