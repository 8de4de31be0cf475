//! Placeholder until the SPA lands.
