//! The audit engine: host (`HS`), daemon (`DM`), image (`IM`) and container
//! (`CT`, through `dockward_container`) checks over recorded [`facts`].
//!
//! Pure: the probe (`dockward_probe`) collects [`facts::Facts`]; this crate only
//! reads them, so an audit can be replayed from a snapshot.

pub mod facts;
pub mod inside;
