//! Imagery through time in the window: two basemaps compared with a divider or a blend
//! ([`compare`]), the dated satellite releases in the basemap panel ([`wayback`]), and areas
//! saved for offline use ([`save_area`]). Pictures pinned onto the map ([`pinned`]) are the
//! app's own (document data, undoable), drawn by the map under or over the data. Their state hangs off the basemap chooser
//! ([`crate::ui::map::basemap_chooser::BasemapState`]); the work itself is the core's
//! ([`crate::tiles::wayback`], [`crate::tiles::save`]), run on threads so the window never waits.

pub mod compare;
pub(crate) mod picture_images;
pub(crate) mod pinned;
pub mod save_area;
pub(crate) mod wayback;
