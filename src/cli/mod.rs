//! The command line (PRELIMINARY: being built).
