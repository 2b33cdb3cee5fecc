//! Block-range witnesses: filled in below.
