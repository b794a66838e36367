//! Everything the GUI may change in the document or the view, as commands.
//!
//! Panels never mutate the document directly: they push a [`Command`], and
//! [`crate::ui::app::RaidmapApp::apply`] applies the queue once per frame. Changes of the data
//! are [`Edit`]s, applied through the undo history there.

use std::path::PathBuf;

use geo::Rect;

use crate::edit::Edit;
use crate::model::{Feature, FeatureRef, LayerId};

#[derive(Debug)]
pub enum Command {
    /// Ask the user for files to open (native dialog).
    AskOpen,
    /// Ask the user where to export a layer (native dialog).
    AskExport(LayerId),
    /// Read files and add each as a layer; failures are reported, nothing else changes.
    Open(Vec<PathBuf>),
    /// Ask for photos to open as points: a folder (`folder`) or files (native dialog, or a
    /// typed path).
    AskOpenPhotos { folder: bool },
    /// Read photos (files, or folders' photo files) on a thread into a point layer, each photo
    /// attached to its point; those without a position are listed.
    OpenPhotos(Vec<PathBuf>),
    /// Show or hide a layer.
    SetVisible(LayerId, bool),
    /// Draw a layer with this style.
    SetStyle(LayerId, crate::style::LayerStyle),
    /// Close a layer.
    Remove(LayerId),
    /// Select a feature (or clear the selection).
    Select(Option<FeatureRef>),
    /// Add a kept measurement to the Measurements layer.
    KeepMeasurement(Feature),
    /// Write a layer as GeoJSON to a file, atomically.
    Export(LayerId, PathBuf),
    /// Move and zoom the map so the area fills the view.
    ZoomTo(Rect<f64>),
    /// Bring an area into view if part of it is out of view (a measured result).
    Reveal(Rect<f64>),
    /// Show only the dated features in this window of days (`Window::ALL`: everything).
    SetTimeWindow(crate::timeline::Window),
    /// Date a layer by this field, or take it off the timeline (`None`).
    SetTimeField(LayerId, Option<crate::timeline::TimeField>),
    /// Ask the user where to export the classified sites of the Coverage tab.
    AskExportCoverage,
    /// Write the classified sites (with `coverage_status`, `nearest_raid`,
    /// `nearest_raid_distance_m`) as GeoJSON, atomically.
    ExportCoverage(PathBuf),
    /// Change the data, as one step of the undo history with this description.
    Edit(Edit, String),
    /// Undo the last edit.
    Undo,
    /// Redo the last undone edit.
    Redo,
    /// Ask which project to open (native dialog, or a typed path).
    AskOpenProject,
    /// Ask where to save the project (Save As).
    AskSaveProject,
    /// Save the project where it was last saved, else ask where.
    SaveProject,
    /// Open a project in place of what is shown (asks first when there are unsaved changes).
    OpenProject(PathBuf),
    /// Open a project in place of what is shown, the user having agreed to lose unsaved
    /// changes.
    OpenProjectDiscarding(PathBuf),
    /// Open the autosaved work left by a run that did not close cleanly (unsaved, no file).
    RecoverAutosave(PathBuf),
    /// Save the project at this path and remember it as the project's file.
    SaveProjectAs(PathBuf),
    /// Ask for files to attach to a feature (native dialog).
    AskAttach(FeatureRef),
    /// Attach files to a feature (one undoable step, recorded in the custody log).
    Attach(FeatureRef, Vec<PathBuf>),
    /// Remove the attachment with this SHA-256 from a feature (undoable; logged).
    RemoveAttachment(FeatureRef, String),
    /// Open an attachment (SHA-256, file name) in the system viewer from a temporary copy.
    OpenAttachment(String, String),
    /// Ask where to save a copy of an attachment (SHA-256, file name).
    AskSaveAttachment(String, String),
    /// Write the attachment with this SHA-256 to a file, atomically (logged as exported).
    SaveAttachment(String, PathBuf),
    /// Write the map as a PNG image, atomically.
    ExportImage(ImageRequest),
    /// Open a publishing dialog (animation, report, web map).
    OpenPublish(Dialog),
    /// Open *Compare with…* for a layer.
    CompareWith(LayerId),
    /// Open *Merge a colleague's copy…* for a layer.
    MergeInto(LayerId),
    /// Ask for a picture to pin onto the map (native dialog).
    AskPinPicture,
    /// Add a PNG or JPEG as a picture pinned onto the map (undoable; its bytes go into the
    /// project) and open the pinning window on it.
    PinPicture(PathBuf),
    /// Remove the pinned picture at this index (undoable; the custody log records it).
    RemovePicture(usize),
    /// A command writing an encrypted project's data in plaintext, which the user agreed to.
    Plaintext(Box<Command>),
    /// Start the publishing task that waits for the plaintext warning's answer, writing to
    /// this file instead (its `.age` form, sealed with the project's passphrase or keys).
    PublishTo(PathBuf),
}

/// Which part of the map the image shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Area {
    /// What the map shows now.
    View,
    /// Every visible layer (Cambodia when there is none), as `raidmap render` without --bbox.
    Layers,
    /// A typed box, as `--bbox`.
    Box,
}

/// An image to write, as the window asks for it.
#[derive(Debug, Clone, PartialEq)]
pub struct ImageRequest {
    pub width_px: u32,
    pub height_px: u32,
    /// Pixels per point (text and symbols this many pixels per point).
    pub scale: f32,
    pub area: Area,
    /// With [`Area::Box`]: west, south, east, north in degrees.
    pub bbox: Option<Rect<f64>>,
    pub title: String,
    pub path: PathBuf,
    /// Only the features selected on the map.
    pub selected_only: bool,
}

/// One of the publishing dialogs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialog {
    Animation,
    Report,
    WebMap,
}
