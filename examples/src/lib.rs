//! Examples live in the files next to this one.
