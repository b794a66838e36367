//! Atomic file writes (PRELIMINARY).
