//! Image reading: every source (docker-save archive, OCI layout, daemon export,
//! root filesystem directory) becomes one [`tree::FileTree`], the merged view of
//! the image's layers after whiteouts, holding the content of only the files a
//! caller asked for.

pub mod tree;
