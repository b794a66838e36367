//! Imagery through time in the window: two basemaps compared with a divider or a blend
//! ([`compare`]), the dated satellite releases in the basemap panel ([`wayback`]), and areas
//! saved for offline use ([`save_area`]). Their state hangs off the basemap chooser
//! ([`crate::ui::map::basemap_chooser::BasemapState`]); the work itself is the core's
//! ([`crate::tiles::wayback`], [`crate::tiles::save`]), run on threads so the window never waits.

pub mod compare;
pub mod save_area;
pub mod wayback;
