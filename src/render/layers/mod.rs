//! The data layers on the map: how each is shown ([`layer_view`]: visibility, style, time
//! filter, index), drawn feature by feature ([`features`]) or as density cells when too many are
//! in view ([`density`]), many points as one mesh ([`point_mesh`]), and the point symbols and
//! legend swatches ([`symbols`]).

pub mod density;
pub mod features;
pub mod layer_view;
pub mod point_mesh;
pub mod symbols;
