//! Pictures on the map, as opposed to drawn data: which XYZ tiles cover a view and where each
//! lands ([`tile_grid`]), two basemaps compared with a divider and name tags ([`compare`]), and
//! pictures pinned onto the map and warped into place ([`pinned`]).

pub mod compare;
pub mod pinned;
pub mod tile_grid;
