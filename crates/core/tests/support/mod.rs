//! Fixtures shared by cowdesk-core's test binaries (`mod support;`).

pub mod mailservers;
pub mod ports;
