//! The offline basemap (PRELIMINARY: being built).
