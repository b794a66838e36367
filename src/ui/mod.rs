//! The GUI (PRELIMINARY: being built).
