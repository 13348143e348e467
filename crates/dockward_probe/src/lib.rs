//! The probe: reads the host, the daemon and its API, and the inside of a
//! container, and records what it saw as [`dockward_audit::facts::Facts`].
//! Read-only: nothing is written, started or sent beyond `GET` requests.
