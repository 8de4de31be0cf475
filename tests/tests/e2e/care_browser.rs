//! Placeholder: the browser tests of patient records are written next.
