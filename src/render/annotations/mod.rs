//! What is written over the layers to explain the map: the data labels, placed so none
//! overlaps another ([`labels`], at the points [`anchor`] finds, with [`rect_grid`] to find
//! taken room quickly), the legend ([`legend`]), and the scale bar with the credit lines
//! ([`scale_bar`]).

pub(crate) mod anchor;
pub mod labels;
pub mod legend;
pub(crate) mod rect_grid;
pub mod scale_bar;
